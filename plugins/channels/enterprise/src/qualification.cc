#include "qualification.h"

#include <algorithm>
#include <chrono>
#include <ostream>

namespace shiming::enterprise {

bool valid_date(const std::string& d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (d[i] < '0' || d[i] > '9') return false;
  std::chrono::year_month_day ymd{std::chrono::year{std::stoi(d.substr(0, 4))},
                                  std::chrono::month{static_cast<unsigned>(std::stoi(d.substr(5, 2)))},
                                  std::chrono::day{static_cast<unsigned>(std::stoi(d.substr(8, 2)))}};
  return ymd.ok();
}

bool valid_credit_code(const std::string& code) {
  static const std::string kChars = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static const int kWeights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
  if (code.size() != 18) return false;
  int sum = 0;
  for (std::size_t i = 0; i < 18; ++i) {
    auto pos = kChars.find(code[i]);
    if (pos == std::string::npos) return false;
    if (i < 17) sum += static_cast<int>(pos) * kWeights[i];
  }
  int check = (31 - sum % 31) % 31;
  return kChars[static_cast<std::size_t>(check)] == code[17];
}

sdk::Result<nlohmann::json> make_qualification(const std::string& province, const std::string& enterprise,
                                               const nlohmann::json& body) {
  auto bad = [](const char* field, const std::string& en, const std::string& zh) {
    return sdk::make_error("QUALIFICATION_INVALID", en, zh, field);
  };
  auto str = [&](const char* k) {
    return body.contains(k) && body[k].is_string() ? body[k].get<std::string>() : std::string();
  };
  if (enterprise.empty() || enterprise.size() > 32 ||
      !std::all_of(enterprise.begin(), enterprise.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      }))
    return bad("enterprise", "The enterprise id is 1 to 32 of a-z, 0-9, '-' and '_'.",
               "企业编号应为 1 至 32 位小写字母、数字、'-' 或 '_'。");
  std::string name = str("name"), code = str("credit_code"), from = str("valid_from"), until = str("valid_until");
  if (name.empty() || name.size() > 200)
    return bad("name", "The enterprise name is required (at most 200 bytes).", "请填写企业名称（不超过 200 字节）。");
  if (!valid_credit_code(code))
    return bad("credit_code", "The unified social credit code must be 18 characters with a correct check character.",
               "统一社会信用代码应为 18 位且校验位正确。");
  if (!valid_date(from) || !valid_date(until) || until < from)
    return bad(valid_date(from) ? "valid_until" : "valid_from",
               "valid_from and valid_until are dates YYYY-MM-DD, valid_until not before valid_from.",
               "资格有效期起止日期格式应为 YYYY-MM-DD，且截止日期不早于起始日期。");
  return nlohmann::json{{"province", province}, {"enterprise_id", enterprise}, {"name", name},
                        {"credit_code", code}, {"valid_from", from}, {"valid_until", until}};
}

sdk::Status bind_hr(sdk::RecordStore& records, const std::string& user_id, const std::string& province,
                    const std::string& enterprise) {
  if (!records.get(kQualifications, qualification_key(province, enterprise)))
    return sdk::make_error("QUALIFICATION_MISSING",
                           "Enterprise '" + enterprise + "' is not in the register of province '" + province + "'.",
                           "该企业不在本省的集体认证资格名录中。", "enterprise");
  return records.put(kHrBindings, user_id, {{"enterprise_id", enterprise}, {"province", province}});
}

int run_enterprise_ctl(const std::string& verb, const std::vector<std::string>& args, sdk::RecordStore& records,
                       const std::string& today, std::ostream& out, std::ostream& err,
                       const ReissueToken& reissue) {
  std::string province, id, batch_id, row;
  bool json_out = false;
  nlohmann::json body = nlohmann::json::object();
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    bool has_value = i + 1 < args.size();
    if (a == "--province" && has_value) province = args[++i];
    else if (a == "--id" && has_value) id = args[++i];
    else if (a == "--name" && has_value) body["name"] = args[++i];
    else if (a == "--credit-code" && has_value) body["credit_code"] = args[++i];
    else if (a == "--valid-from" && has_value) body["valid_from"] = args[++i];
    else if (a == "--valid-until" && has_value) body["valid_until"] = args[++i];
    else if (a == "--batch" && has_value) batch_id = args[++i];
    else if (a == "--row" && has_value) row = args[++i];
    else if (a == "--json") json_out = true;
    else {
      err << "shimingctl enterprise: unexpected argument '" << a << "'\n";
      return 2;
    }
  }
  if (province.empty()) {
    err << "shimingctl enterprise: --province is required\n";
    return 2;
  }
  if (verb == "add") {
    auto q = make_qualification(province, id, body);
    if (!q) {
      err << "shimingctl enterprise: " << q.error().message << " (" << q.error().field << ")\n";
      return 2;
    }
    (*q)["updated_by"] = "shimingctl";
    (*q)["updated_at"] = today;
    if (auto s = records.put(kQualifications, qualification_key(province, id), *q, province); !s) {
      err << "shimingctl enterprise: " << s.error().message << "\n";
      return 1;
    }
    out << "enterprise " << id << " (" << province << ") qualified " << (*q)["valid_from"].get<std::string>()
        << ".." << (*q)["valid_until"].get<std::string>() << "\n";
    return 0;
  }
  if (verb == "list") {
    nlohmann::json items = nlohmann::json::array();
    for (auto& [key, q] : records.list(kQualifications, province)) {
      q["valid_today"] = q.value("valid_from", "") <= today && today <= q.value("valid_until", "");
      items.push_back(q);
    }
    if (json_out) {
      out << nlohmann::json{{"province", province}, {"enterprises", items}}.dump() << "\n";
    } else {
      for (const auto& q : items)
        out << q.value("enterprise_id", "") << "\t" << q.value("credit_code", "") << "\t" << q.value("valid_from", "")
            << ".." << q.value("valid_until", "") << "\t" << (q["valid_today"].get<bool>() ? "valid" : "NOT VALID")
            << "\t" << q.value("name", "") << "\n";
    }
    return 0;
  }
  if (verb == "reissue-link") {
    // For the exam office's operators (HR has the route): the batch must be of this province.
    if (!reissue) {
      err << "shimingctl enterprise: reissue-link needs the database (--config)\n";
      return 2;
    }
    auto batch = batch_id.empty() ? std::nullopt : records.get(kBatches, batch_id);
    if (!batch || batch->value("province", "") != province) {
      err << "shimingctl enterprise: no batch '" << batch_id << "' in " << province << " (--batch)\n";
      return 1;
    }
    auto done = reissue_employee_link(records, *batch, row, "shimingctl", today, reissue);
    if (!done) {
      err << "shimingctl enterprise: " << done.error().message << " (" << done.error().code << ")\n";
      return done.error().code == "ROW_INVALID" ? 2 : 1;
    }
    if (json_out) out << done->dump() << "\n";
    else
      out << "batch " << batch_id << " row " << row << ": new employee link " << (*done)["case_url"].get<std::string>()
          << " token " << (*done)["token"].get<std::string>() << " (the previous link no longer works)\n";
    return 0;
  }
  err << "shimingctl enterprise: unknown command '" << verb << "' (add, list, reissue-link)\n";
  return 2;
}

}  // namespace shiming::enterprise
