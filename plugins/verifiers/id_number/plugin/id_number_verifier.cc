#include "id_number_verifier.h"

#include <optional>

#include "shiming/idnumber/id_number.h"

namespace shiming::idnumber {
namespace {

using sdk::Finding;
using sdk::Outcome;
using sdk::Reason;

Reason reason(std::string_view code, const std::string& detail = {}) {
  Advice a = advice_for(code);
  std::string message(a.message);
  if (!detail.empty()) message += " (" + detail + ")";
  return Reason{std::string(code), message, std::string(a.message_zh), std::string(a.en),
                std::string(a.zh)};
}

Finding params_error(const std::string& what) {
  return Finding::with(Outcome::error,
                       {"ID_PARAMS_INVALID", "Invalid id_number step parameters: " + what,
                        "身份证号码核验步骤参数错误：" + what,
                        "Staff will review your case.", "工作人员将人工审核您的申请。"});
}

// "M"/"F" from what the citizen declared; nullopt when nothing usable was declared.
std::optional<char> declared_sex(const std::string& s) {
  if (s == "M" || s == "m" || s == "male" || s == "Male" || s == "MALE" || s == "\xE7\x94\xB7")
    return 'M';
  if (s == "F" || s == "f" || s == "female" || s == "Female" || s == "FEMALE" || s == "\xE5\xA5\xB3")
    return 'F';
  return std::nullopt;
}

std::chrono::year_month_day china_date(std::chrono::system_clock::time_point t) {
  return std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(t + std::chrono::hours(8)));
}

}  // namespace

IdNumberVerifier::IdNumberVerifier(const sdk::PluginInit&) {}

sdk::ConfigSchema IdNumberVerifier::config_schema() { return {}; }

sdk::ConfigSchema IdNumberVerifier::rules_schema() {
  sdk::ConfigSchema s;
  sdk::ConfigField min_age;
  min_age.name = "min_age";
  min_age.type = sdk::FieldType::integer;
  min_age.default_value = 0;
  min_age.min = 0;
  min_age.max = 150;
  min_age.doc = "Youngest age allowed (full years on the day the step runs, UTC+8).";
  s.fields.push_back(min_age);

  sdk::ConfigField max_age = min_age;
  max_age.name = "max_age";
  max_age.default_value = 150;
  max_age.doc = "Oldest age allowed (full years on the day the step runs, UTC+8).";
  s.fields.push_back(max_age);

  sdk::ConfigField unknown_region;
  unknown_region.name = "unknown_region";
  unknown_region.type = sdk::FieldType::string;
  unknown_region.default_value = "warn";
  unknown_region.allowed = {"warn", "review"};
  unknown_region.doc =
      "A region code missing from GB/T 2260 1980-2020: warn (outcome stays pass, reason "
      "ID_REGION_UNKNOWN) or review (needs_review).";
  s.fields.push_back(unknown_region);
  return s;
}

Finding IdNumberVerifier::run(sdk::VerificationContext& ctx) {
  const nlohmann::json& params = ctx.params();
  Options options;
  std::string unknown_region = "warn";
  if (!params.is_object() && !params.is_null()) return params_error("params must be a map");
  if (params.is_object()) {
    if (auto it = params.find("min_age"); it != params.end()) {
      if (!it->is_number_integer()) return params_error("min_age must be an integer");
      options.min_age = it->get<int>();
    }
    if (auto it = params.find("max_age"); it != params.end()) {
      if (!it->is_number_integer()) return params_error("max_age must be an integer");
      options.max_age = it->get<int>();
    }
    if (auto it = params.find("unknown_region"); it != params.end()) {
      if (!it->is_string() || (*it != "warn" && *it != "review"))
        return params_error("unknown_region must be warn or review");
      unknown_region = it->get<std::string>();
    }
  }
  if (options.min_age < 0 || options.max_age < options.min_age)
    return params_error("need 0 <= min_age <= max_age");
  options.today = china_date(ctx.clock().now());

  const sdk::DeclaredIdentity& identity = ctx.subject().identity;
  if (identity.id_number.empty()) {
    ctx.logger().info("id_number: case " + ctx.subject().id + ": no ID number declared");
    return Finding::with(Outcome::fail, reason(kMissing));
  }
  IdCheck c = check(identity.id_number, options);

  Finding f;
  f.details["id_number"] = sdk::mask_id_number(c.normalized.empty() ? c.input : c.normalized);
  f.details["converted_from_15"] = c.normalized.size() == 18 && c.normalized != c.input &&
                                   c.input.size() == 15;
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& rc : c.checks)
    checks.push_back({{"rule", rc.rule}, {"ok", rc.ok}, {"code", rc.code}, {"detail", rc.detail}});
  if (c.birth) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(c.birth->year()),
                  static_cast<unsigned>(c.birth->month()), static_cast<unsigned>(c.birth->day()));
    f.details["birth_date"] = buf;
  }
  if (c.sex) f.details["sex"] = std::string(1, c.sex);
  if (!c.region_code.empty()) {
    f.details["region_code"] = c.region_code;
    f.details["region_name"] = c.region_name;
    f.details["region_known"] = c.region_known;
    f.details["residence_permit"] = c.residence_permit;
  }

  std::vector<Reason> failures;
  std::optional<Reason> warning;
  for (const auto& rc : c.checks) {
    if (rc.ok) continue;
    if (rc.code == kRegionUnknown)
      warning = reason(rc.code, rc.detail);
    else
      failures.push_back(reason(rc.code, rc.detail));
  }
  if (c.sex) {
    auto declared = declared_sex(identity.sex);
    bool mismatch = declared && *declared != c.sex;
    checks.push_back({{"rule", "declared_sex"},
                      {"ok", !mismatch},
                      {"code", mismatch ? kSexMismatch : ""},
                      {"detail", declared ? std::string("declared ") + *declared
                                          : std::string("no sex declared")}});
    if (mismatch)
      failures.push_back(reason(kSexMismatch, std::string("declared ") + *declared +
                                                  ", number says " + c.sex));
  }
  f.details["checks"] = std::move(checks);

  if (!failures.empty()) {
    f.outcome = Outcome::fail;
    f.score = 0.0;
    f.reasons = std::move(failures);
  } else if (warning) {
    f.outcome = unknown_region == "review" ? Outcome::needs_review : Outcome::pass;
    f.score = 0.9;
    f.reasons.push_back(*warning);
  } else {
    f.outcome = Outcome::pass;
    f.score = 1.0;
  }
  std::string codes;
  for (const auto& r : f.reasons) codes += (codes.empty() ? "" : ",") + r.code;
  ctx.logger().info("id_number: case " + ctx.subject().id + " " +
                    sdk::mask_id_number(c.normalized.empty() ? c.input : c.normalized) + " -> " +
                    sdk::to_string(f.outcome) + (codes.empty() ? "" : " " + codes));
  return f;
}

}  // namespace shiming::idnumber
