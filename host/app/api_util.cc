#include "app/api_util.h"

#include <map>
#include <mutex>
#include <set>

#include "app/case_service.h"
#include "common/dates.h"
#include "core/case_state.h"
#include "shiming/sdk/pii.h"

namespace shiming {

namespace {
std::mutex g_requirement_mutex;
std::set<std::string> g_requirement_codes;
}  // namespace

void note_submit_requirement_code(const std::string& code) {
  std::lock_guard lock(g_requirement_mutex);
  g_requirement_codes.insert(code);
}

int status_for(const std::string& code) {
  static const std::map<std::string, int> kStatus = {
      {"MALFORMED_JSON", 400}, {"BODY_NOT_OBJECT", 400}, {"MISSING_FIELD", 400},
      {"UNKNOWN_FIELD", 400}, {"WRONG_TYPE", 400}, {"FIELD_TOO_LONG", 400}, {"BAD_PATH", 400},
      {"NAME_INVALID", 422}, {"SEX_INVALID", 422}, {"PHONE_INVALID", 422},
      {"ID_FORMAT", 422}, {"ID_CHECK_CHARACTER", 422}, {"ID_BIRTH_DATE_INVALID", 422},
      {"ID_BIRTH_DATE_FUTURE", 422}, {"ID_AGE_OUT_OF_RANGE", 422},
      {"INVALID_TOKEN", 401}, {"UNAUTHENTICATED", 401}, {"LOGIN_FAILED", 401},
      {"FORBIDDEN", 403}, {"FORBIDDEN_TRANSITION", 403}, {"CHANNEL_DISABLED", 403},
      {"PROVINCE_NOT_FOUND", 404}, {"SESSION_NOT_FOUND", 404}, {"CASE_NOT_FOUND", 404},
      {"NOT_FOUND", 404}, {"UNKNOWN_DOCUMENT_KIND", 404},
      {"ILLEGAL_TRANSITION", 409}, {"CASE_EXISTS", 409}, {"ALREADY_VERIFIED", 409},
      {"CASE_NOT_EDITABLE", 409}, {"CONFLICT", 409}, {"VERIFICATION_CLOSED", 409},
      {"TOO_MANY_ATTEMPTS", 409}, {"REMEDIATION_NOT_NEEDED", 409},
      {"REMEDIATION_LIMIT_REACHED", 403}, {"REMEDIATION_CLOSED", 403},
      {"BODY_TOO_LARGE", 413}, {"UNSUPPORTED_MEDIA_TYPE", 415},
      {"IMAGE_TOO_LARGE", 422}, {"IMAGE_TOO_SMALL", 422}, {"IMAGE_CORRUPT", 422},
      {"EMPTY_DOCUMENT", 422}, {"MISSING_DOCUMENT", 422}, {"UNKNOWN_REASON_CODE", 400},
      {"RULES_INVALID", 422}, {"LOGIN_LOCKED", 429},
      // window channel check_submit
      {"IDENTITY_INCOMPLETE", 422}, {"ORIGINALS_NOT_RECORDED", 422}, {"MISSING_ORIGINALS", 422},
      {"FINGERPRINT_REQUIRED", 422}, {"TEMPLATE_INVALID", 422},
  };
  auto it = kStatus.find(code);
  if (it != kStatus.end()) return it->second;
  if (code.rfind("ID_", 0) == 0) return 422;
  std::lock_guard lock(g_requirement_mutex);
  return g_requirement_codes.count(code) ? 422 : 500;
}

sdk::HttpResponse error_response(const sdk::Error& e) {
  int status = status_for(e.code);
  if (status == 500) {
    // Internal details stay in the log.
    log_event(spdlog::level::err, "internal error", {{"code", e.code}, {"error", e.message}});
    return sdk::HttpResponse::error(500, {"INTERNAL", "Something went wrong on our side. Please try again later.",
                                          "服务器内部错误，请稍后再试。", ""});
  }
  return sdk::HttpResponse::error(status, e);
}

namespace api {

bool authorize(ApiContext& ctx, sdk::HttpRequest& req, std::initializer_list<const char*> roles,
               sdk::HttpResponse& response, storage::CaseRecord* citizen_case) {
  auto actor = ctx.auth.resolve(req, citizen_case);
  if (!actor) {
    response = error_response(actor.error());
    return false;
  }
  req.actor = actor.value();
  if (roles.size() == 0) return true;
  if (req.actor.role == "anonymous") {
    response = sdk::HttpResponse::error(401, {"UNAUTHENTICATED", "Please sign in first.", "请先登录。", "Authorization"});
    return false;
  }
  for (const char* r : roles)
    if (req.actor.role == r) return true;
  response = sdk::HttpResponse::error(403, {"FORBIDDEN", "You are not allowed to do this.", "您无权执行此操作。", ""});
  return false;
}

bool may_see_case(const sdk::Actor& actor, const storage::CaseRecord& c) {
  if (actor.role == "citizen") return actor.id == c.id;
  if (actor.role == "reviewer" || actor.role == "clerk" || actor.role == "admin")
    return actor.province.empty() || actor.province == c.province;
  return false;
}

nlohmann::json case_json(Hub& hub, const storage::CaseRecord& c, bool staff) {
  nlohmann::json j;
  j["id"] = c.id;
  j["province"] = c.province;
  j["channel"] = c.channel;
  j["exam_session"] = c.exam_session;
  j["candidate_id"] = c.candidate_id;  // {id} of /api/v1/candidates/{id}/...
  j["status"] = c.status;
  j["status_zh"] = status_label_zh(c.status);
  j["attempt"] = c.attempt;
  j["expedited"] = c.expedited;
  j["candidate"] = {{"name", sdk::mask_name(c.identity.name)},
                    {"id_number", sdk::mask_id_number(c.identity.id_number)},
                    {"phone", sdk::mask_phone(c.identity.phone)},
                    {"sex", c.identity.sex}};
  j["created_at"] = format_time(c.created_at);
  j["updated_at"] = format_time(c.updated_at);
  j["submitted_at"] = c.submitted_at ? nlohmann::json(format_time(*c.submitted_at)) : nlohmann::json();
  j["decided_at"] = c.decided_at ? nlohmann::json(format_time(*c.decided_at)) : nlohmann::json();
  j["due_at"] = c.due_at ? nlohmann::json(format_time(*c.due_at)) : nlohmann::json();
  // The day the case should be finished (channel SLA in working days, 24 hours when expedited), in Beijing.
  j["expected_completion_date"] = c.due_at ? nlohmann::json(format_date(china_date(*c.due_at))) : nlohmann::json();
  nlohmann::json docs = nlohmann::json::array();
  for (const auto& m : hub.evidence_repo.list(c.id)) {
    if (m.kind == "id-portrait" && !staff) continue;
    docs.push_back({{"kind", m.kind}, {"content_type", m.content_type}, {"size", m.size_bytes},
                    {"uploaded_at", format_time(m.created_at)}});
  }
  j["documents"] = docs;
  // Findings of the latest pipeline run only.
  auto all = hub.findings.list(c.id);
  std::string last_run = all.empty() ? "" : all.back().job_id;
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& f : all) {
    if (f.job_id != last_run) continue;
    nlohmann::json fj = {{"verifier", f.verifier}, {"outcome", f.outcome}, {"score", f.score},
                         {"reasons", f.reasons}};
    // Extracted fields (OCR text ...) are personal data: staff only.
    if (staff) fj["details"] = f.details;
    findings.push_back(fj);
  }
  j["findings"] = findings;
  nlohmann::json decisions = nlohmann::json::array();
  for (const auto& d : hub.decisions.list(c.id)) {
    nlohmann::json dj = {{"decision", d.decision}, {"reasons", d.reasons}, {"at", format_time(d.created_at)}};
    if (staff) {
      dj["actor"] = d.actor_id;
      dj["comment"] = d.comment;
    }
    decisions.push_back(dj);
  }
  j["decisions"] = decisions;
  if (c.status == "submitted") {
    j["message"] = "Checking, please wait.";
    j["message_zh"] = "正在核验，请稍候。";
  }
  return j;
}

}  // namespace api
}  // namespace shiming
