// The admission ticket (准考证):
//   GET /api/v1/candidates/{id}/sessions/{s}/admission-ticket
// {id} is the candidate id (case JSON `candidate_id`), {s} the exam session. A printable HTML
// ticket (templates/ticket/) only for a candidate whose case of that session was verified by
// the session's verification deadline; otherwise 403 with a code (NOT_VERIFIED,
// VERIFIED_AFTER_DEADLINE, REJECTED) and the remedy open to them. Times from the Hub clock.
#include <kainjow/mustache.hpp>

#include "app/api_util.h"
#include "common/dates.h"
#include "core/case_state.h"
#include "shiming/sdk/pii.h"
#include "ticket_template.inc"

namespace shiming::api {
namespace {

using namespace std::chrono_literals;

sdk::HttpResponse refused(const std::string& code, const std::string& message, const std::string& message_zh,
                          const std::string& remedy, const std::string& remedy_zh) {
  sdk::HttpResponse r = sdk::HttpResponse::error(403, {code, message, message_zh, ""});
  auto body = nlohmann::json::parse(r.body);
  body["error"]["remedy"] = remedy;
  body["error"]["remedy_zh"] = remedy_zh;
  r.body = body.dump();
  return r;
}

}  // namespace

void register_ticket_routes(http::Router& router, ApiContext& ctx) {
  router.add("GET", "/api/v1/candidates/{id}/sessions/{s}/admission-ticket", [&ctx](sdk::HttpRequest& req) {
    sdk::HttpResponse err;
    storage::CaseRecord own;
    if (!authorize(ctx, req, {"citizen", "clerk", "reviewer", "admin"}, err, &own)) return err;
    const std::string& id = req.params["id"];
    const std::string& sid = req.params["s"];
    auto not_found = [] {
      return sdk::HttpResponse::error(404, {"CANDIDATE_NOT_FOUND", "No such candidate.", "没有找到该考生。", "id"});
    };
    if (req.actor.role == "citizen" && own.candidate_id != id) return not_found();
    auto cases = ctx.hub.case_repo.list_for_candidate(id);
    if (cases.empty()) return not_found();
    if (req.actor.role != "citizen" && !req.actor.province.empty() && req.actor.province != cases.front().province)
      return not_found();
    auto snap = ctx.hub.rules().current();
    const auto* province = snap->province(cases.front().province);
    const auto* session = province ? province->session(sid) : nullptr;
    if (!session)
      return sdk::HttpResponse::error(404, {"SESSION_NOT_FOUND", "No such exam session.", "没有该考试批次。", "s"});
    const storage::CaseRecord* verified = nullptr;
    const storage::CaseRecord* latest = nullptr;
    for (const auto& c : cases) {
      if (c.exam_session != sid) continue;
      latest = &c;
      if (c.status == case_status::kVerified) verified = &c;
    }
    auto now = ctx.hub.clock().now();
    bool open = now < session->verification_deadline;
    std::string deadline = format_time(session->verification_deadline);
    if (!verified) {
      // Rejected, or rejected and then expired with the deadline: the last decision tells.
      bool rejected = false;
      if (latest && (latest->status == case_status::kRejected || latest->status == case_status::kExpired)) {
        auto decisions = ctx.hub.decisions.list(latest->id);
        rejected = !decisions.empty() && decisions.back().decision == case_status::kRejected;
      }
      if (rejected)
        return refused("REJECTED", "Your identity verification was rejected: no admission ticket.",
                       "您的实名认证未通过，无法打印准考证。",
                       open ? "Start a new verification attempt before " + deadline + " (see the rejection reasons)."
                            : "Verification for this session has closed; contact the exam office.",
                       open ? "请在截止时间前重新提交实名认证（参见未通过原因）。" : "本次考试实名认证已截止，请联系考试机构。");
      return refused("NOT_VERIFIED", "Identity verification is not complete: no admission ticket.",
                     "尚未完成实名认证，无法打印准考证。",
                     open ? "Complete identity verification before " + deadline + "."
                          : "Verification for this session has closed; contact the exam office.",
                     open ? "请在截止时间前完成实名认证。" : "本次考试实名认证已截止，请联系考试机构。");
    }
    if (!verified->decided_at || *verified->decided_at > session->verification_deadline)
      return refused("VERIFIED_AFTER_DEADLINE", "Identity was verified after the deadline " + deadline + ".",
                     "实名认证在截止时间之后才完成，无法打印准考证。",
                     "Contact the exam office; the certificate claim may still be open.",
                     "请联系考试机构；证书领取可能仍可办理。");
    using kainjow::mustache::data;
    data d;
    d.set("province_name", province->name);
    d.set("session_name", session->name);
    d.set("session_name_en", session->name_en);
    d.set("exam_session", sid);
    d.set("candidate_id", id);
    d.set("case_id", verified->id);
    d.set("masked_name", sdk::mask_name(verified->identity.name));
    d.set("masked_id_number", sdk::mask_id_number(verified->identity.id_number));
    d.set("exam_date", format_date(session->exam_date));
    d.set("verified_at", format_time(*verified->decided_at));
    d.set("printed_at", format_time(now));
    kainjow::mustache::mustache engine{std::string(kTicketTemplate)};
    std::string html = engine.is_valid() ? engine.render(d) : "";
    if (!engine.is_valid())
      return sdk::HttpResponse::error(500, {"TEMPLATE_FAILED", "The ticket template is invalid: " + engine.error_message(),
                                            "准考证模板无效。", ""});
    sdk::HttpResponse r;
    r.content_type = "text/html; charset=utf-8";
    r.body = std::move(html);
    return r;
  });
}

}  // namespace shiming::api
