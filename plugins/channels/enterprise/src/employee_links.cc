#include "employee_links.h"

#include <algorithm>
#include <cstdio>

namespace shiming::enterprise {

using nlohmann::json;

std::string chunk_key(const std::string& batch, std::size_t chunk) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%06zu", chunk);
  return batch + "/" + buf;
}

sdk::Result<json> reissue_employee_link(sdk::RecordStore& records, const json& batch, const std::string& row,
                                        const std::string& by, const std::string& now_iso,
                                        const ReissueToken& reissue) {
  const std::string id = batch.value("id", ""), state = batch.value("state", "");
  if (state != "ready" && state != "submitted")
    return sdk::make_error("BATCH_NOT_READY", "Links are re-issued once the roster is imported.",
                           "名单导入完成后方可重新生成员工链接。", "");
  std::size_t row_no = 0;
  if (row.empty() || row.size() > 6 || row.find_first_not_of("0123456789") != std::string::npos ||
      (row_no = std::stoul(row)) < 2)
    return sdk::make_error("ROW_INVALID", "row is the employee's row number in the roster file (2 or more).",
                           "row 应为员工在名单文件中的行号（从 2 开始）。", "row");
  std::vector<json> all;
  for (auto& [key, chunk] : records.list(kRowChunks, id))
    for (auto& r : chunk["rows"]) all.push_back(std::move(r));
  auto it = std::find_if(all.begin(), all.end(), [&](const json& x) { return x.value("row", std::size_t{0}) == row_no; });
  if (it == all.end() || it->value("case_id", "").empty())
    return sdk::make_error("ROW_NOT_FOUND", "No employee case in this batch at row " + row + ".",
                           "该批次第 " + row + " 行没有员工认证申请。", "row");
  json& r = *it;
  bool lost = false;
  json flags = json::array();
  for (const auto& f : r["flags"]) {
    if (f == "LINK_LOST_ON_RESTART") lost = true;
    else flags.push_back(f);
  }
  auto token = reissue(r.value("case_id", ""), "enterprise batch " + id + " row " + row + ": employee link re-issued by " +
                                                   by + (lost ? " (the link was lost on a restart)" : ""));
  if (!token) return token.error();
  r["token"] = *token;
  r["link_reissued_at"] = now_iso;
  r["flags"] = flags;
  // Only this row's record changes.
  std::size_t chunk = static_cast<std::size_t>(it - all.begin()) / kRowsPerChunk;
  json list = json::array();
  for (std::size_t i = chunk * kRowsPerChunk; i < std::min(all.size(), (chunk + 1) * kRowsPerChunk); ++i)
    list.push_back(all[i]);
  if (auto s = records.put(kRowChunks, chunk_key(id, chunk), {{"rows", list}}, id); !s) return s.error();
  return json{{"batch_id", id}, {"row", row_no}, {"case_id", r["case_id"]}, {"token", *token},
              {"case_url", "/api/v1/cases/" + r.value("case_id", "")}, {"flags", r["flags"]}};
}

}  // namespace shiming::enterprise
