// Remedies and claims around a session's deadlines:
//   POST /api/v1/cases/{id}/expedite       a clerk files an expedite request (加急认证): the case goes
//                                            to the head of the review queue with a 24-hour deadline
//   GET  /api/v1/cases/{id}/expedite-form  the printable 加急认证申请表, pre-filled (HTML)
//   POST /api/v1/cases/{id}/remediation    remediation (补实名): a new attempt on the same candidate after
//                                            a rejection or a missed deadline, where the session's
//                                            rules allow it; the earlier attempts are kept
//   GET  /api/v1/cases/{id}/attempts       every attempt of the case's candidate for its session
//   GET  /api/v1/candidates/{id}/certificate-eligibility
//        {id} is the candidate id (case JSON `candidate_id`): eligible / needs verification
//        until DATE (score_release + certificate_claim_days) / lapsed, per exam session.
// All times come from the Hub clock (the settable test clock on test hosts).
#include <kainjow/mustache.hpp>

#include "app/api_util.h"
#include "app/case_service.h"
#include "common/dates.h"
#include "core/case_state.h"
#include "core/json_body.h"
#include "expedite_form.inc"
#include "rules/calendar.h"
#include "shiming/sdk/pii.h"

namespace shiming::api {
namespace {

using V = nlohmann::json::value_t;
using namespace std::chrono_literals;

constexpr auto kExpediteDeadline = 24h;

sdk::HttpResponse case_not_found() {
  return error_response({"CASE_NOT_FOUND", "No such case.", "没有找到该认证申请。", "case"});
}

sdk::HttpResponse candidate_not_found() {
  return sdk::HttpResponse::error(404, {"CANDIDATE_NOT_FOUND", "No such candidate.", "没有找到该考生。", "id"});
}

std::string beijing_time(TimePoint t) {
  // "2027-05-20 17:00 (UTC+8)": what staff and candidates read on paper.
  auto local = std::chrono::floor<std::chrono::minutes>(t + 8h);
  auto day = std::chrono::floor<std::chrono::days>(local);
  std::chrono::hh_mm_ss hms{local - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, " %02d:%02d", static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()));
  return format_date(Date{day}) + buf + " (UTC+8)";
}

// The reason of the case's latest expedite request, "" if none.
std::string expedite_reason(Hub& hub, const std::string& case_id) {
  std::string reason;
  for (const auto& a : hub.audit.list_for_case(case_id))
    if (a.action == "expedited") reason = a.reason;
  return reason;
}

// The candidate's attempts for one exam session, oldest first: what each became and why.
nlohmann::json attempts_json(Hub& hub, const storage::CaseRecord& c) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& a : hub.case_repo.list_for_candidate(c.candidate_id)) {
    if (a.exam_session != c.exam_session) continue;
    nlohmann::json j = {{"case_id", a.id}, {"attempt", a.attempt}, {"channel", a.channel}, {"status", a.status},
                        {"status_zh", status_label_zh(a.status)}, {"created_at", format_time(a.created_at)},
                        {"decided_at", a.decided_at ? nlohmann::json(format_time(*a.decided_at)) : nlohmann::json()}};
    auto decisions = hub.decisions.list(a.id);
    j["reasons"] = decisions.empty() ? nlohmann::json::array() : nlohmann::json(decisions.back().reasons);
    list.push_back(j);
  }
  std::sort(list.begin(), list.end(), [](const auto& x, const auto& y) { return x["attempt"] < y["attempt"]; });
  return list;
}

}  // namespace

void register_remedy_routes(http::Router& router, ApiContext& ctx) {
  router.add("POST", "/api/v1/cases/{id}/expedite", [&ctx](sdk::HttpRequest& req) {
    sdk::HttpResponse err;
    if (!authorize(ctx, req, {"clerk", "reviewer", "admin"}, err)) return err;
    auto body = parse_body(req.body, {{"reason", V::string, true, 500}});
    if (!body) return error_response(body.error());
    std::string reason = (*body)["reason"].get<std::string>();
    if (reason.find_first_not_of(" \t\r\n") == std::string::npos)
      return sdk::HttpResponse::error(400, {"REASON_REQUIRED", "Give the reason for the expedite request.",
                                            "请填写加急原因。", "reason"});
    auto c = ctx.hub.case_repo.get(req.params["id"]);
    if (!c || !may_see_case(req.actor, *c)) return case_not_found();
    if (c->status != case_status::kSubmitted && c->status != case_status::kPendingReview)
      return sdk::HttpResponse::error(
          409, {"CASE_NOT_EXPEDITABLE",
                "Only a submitted case waiting for review can be expedited (this one is '" + c->status + "').",
                std::string("只有已提交、等待审核的申请可以加急（当前状态：") + status_label_zh(c->status) + "）。",
                "case"});
    auto now = ctx.hub.clock().now();
    if (!c->expedited) {
      auto due = now + kExpediteDeadline;
      if (auto s = ctx.hub.case_repo.set_expedited(c->id, true, now); !s) return error_response(s.error());
      if (auto s = ctx.hub.case_repo.set_due_at(c->id, due, now); !s) return error_response(s.error());
      ctx.hub.case_service().audit_event(*c, req.actor, "expedited", reason);
      c->expedited = true;
      c->due_at = due;
    }
    return ok({{"case_id", c->id}, {"expedited", true},
               {"due_at", c->due_at ? format_time(*c->due_at) : ""},
               {"form", "/api/v1/cases/" + c->id + "/expedite-form"}});
  });

  router.add("GET", "/api/v1/cases/{id}/expedite-form", [&ctx](sdk::HttpRequest& req) {
    sdk::HttpResponse err;
    if (!authorize(ctx, req, {"clerk", "reviewer", "admin"}, err)) return err;
    auto c = ctx.hub.case_repo.get(req.params["id"]);
    if (!c || !may_see_case(req.actor, *c)) return case_not_found();
    auto snap = ctx.hub.rules().current();
    const auto* province = snap->province(c->province);
    const auto* session = province ? province->session(c->exam_session) : nullptr;
    using kainjow::mustache::data;
    data d;
    d.set("case_id", c->id);
    d.set("province_name", province ? province->name : c->province);
    d.set("masked_name", sdk::mask_name(c->identity.name));
    d.set("masked_id_number", sdk::mask_id_number(c->identity.id_number));
    d.set("exam_session", c->exam_session);
    d.set("session_name", session ? session->name : "");
    d.set("verification_deadline", session ? beijing_time(session->verification_deadline) : "");
    d.set("channel", c->channel);
    d.set("status", c->status);
    d.set("status_zh", std::string(status_label_zh(c->status)));
    d.set("expedited", data(c->expedited));
    d.set("due_at", c->due_at ? beijing_time(*c->due_at) : "");
    std::string reason = expedite_reason(ctx.hub, c->id);
    if (reason.empty() && req.query.count("reason")) reason = req.query["reason"];
    d.set("reason", reason);
    d.set("clerk", req.actor.display);
    d.set("printed_at", beijing_time(ctx.hub.clock().now()));
    kainjow::mustache::mustache engine{std::string(kExpediteFormTemplate)};
    std::string html = engine.is_valid() ? engine.render(d) : "";
    if (!engine.is_valid())
      return sdk::HttpResponse::error(500, {"TEMPLATE_FAILED", "The form template is invalid: " + engine.error_message(),
                                            "表格模板无效。", ""});
    sdk::HttpResponse r;
    r.content_type = "text/html; charset=utf-8";
    r.body = std::move(html);
    return r;
  });

  router.add("GET", "/api/v1/candidates/{id}/certificate-eligibility", [&ctx](sdk::HttpRequest& req) {
    sdk::HttpResponse err;
    storage::CaseRecord own;
    if (!authorize(ctx, req, {"citizen", "clerk", "reviewer", "admin"}, err, &own)) return err;
    const std::string& id = req.params["id"];
    // A citizen's token belongs to one case: only that case's candidate is visible.
    if (req.actor.role == "citizen" && own.candidate_id != id) return candidate_not_found();
    auto cases = ctx.hub.case_repo.list_for_candidate(id);
    if (cases.empty()) return candidate_not_found();
    if (req.actor.role != "citizen" && !req.actor.province.empty() && req.actor.province != cases.front().province)
      return candidate_not_found();
    std::string only = req.query.count("session") ? req.query["session"] : "";
    auto snap = ctx.hub.rules().current();
    const auto* province = snap->province(cases.front().province);
    auto now = ctx.hub.clock().now();
    Date today = china_date(now);
    // Sessions in the order the candidate first applied for them.
    std::vector<std::string> order;
    std::map<std::string, bool> verified;
    for (const auto& c : cases) {
      if (!only.empty() && c.exam_session != only) continue;
      if (!verified.count(c.exam_session)) order.push_back(c.exam_session);
      verified[c.exam_session] = verified[c.exam_session] || c.status == case_status::kVerified;
    }
    if (order.empty())
      return sdk::HttpResponse::error(404, {"SESSION_NOT_FOUND", "The candidate has no case for this exam session.",
                                            "该考生没有该考试批次的认证申请。", "session"});
    nlohmann::json list = nlohmann::json::array();
    for (const auto& sid : order) {
      const auto* s = province ? province->session(sid) : nullptr;
      nlohmann::json j = {{"exam_session", sid}};
      std::optional<Date> last_day;
      if (s) {
        j["certificate_claim_days"] = s->certificate_claim_days;
        if (s->score_release) {
          j["score_release"] = format_date(*s->score_release);
          last_day = Date{std::chrono::sys_days{*s->score_release} + std::chrono::days{s->certificate_claim_days}};
        }
      }
      if (verified[sid]) {
        j["state"] = "eligible";
        j["message"] = "Identity verified: you may claim the certificate.";
        j["message_zh"] = "实名认证已通过，可以领取证书。";
      } else if (!last_day || today <= *last_day) {
        j["state"] = "needs_verification";
        j["until"] = last_day ? nlohmann::json(format_date(*last_day)) : nlohmann::json();
        j["message"] = last_day ? "Complete identity verification by " + format_date(*last_day) +
                                      " to claim the certificate."
                                : std::string("Complete identity verification to claim the certificate.");
        j["message_zh"] = last_day ? "请于 " + format_date(*last_day) + " 前完成实名认证，方可领取证书。"
                                   : std::string("完成实名认证后方可领取证书。");
      } else {
        j["state"] = "lapsed";
        j["until"] = format_date(*last_day);
        j["message"] = "The time to claim the certificate ended on " + format_date(*last_day) +
                       " without identity verification.";
        j["message_zh"] = "证书领取期限已于 " + format_date(*last_day) + " 届满，未完成实名认证。";
      }
      list.push_back(j);
    }
    nlohmann::json out = {{"candidate_id", id}, {"today", format_date(today)}, {"sessions", list}};
    if (!only.empty()) out["state"] = list.front()["state"];
    return ok(out);
  });

  // Remediation (补实名): the holder of a rejected or expired case (its citizen token) or staff of
  // its province start a new attempt with the same declared identity. The session's rules decide
  // (remediation_attempts, remediation_days_after_deadline); CaseService::open enforces them for
  // every new attempt, this route answers the clearer codes first.
  router.add("POST", "/api/v1/cases/{id}/remediation", [&ctx](sdk::HttpRequest& req) {
    sdk::HttpResponse err;
    storage::CaseRecord own;
    if (!authorize(ctx, req, {"citizen", "clerk", "admin"}, err, &own)) return err;
    auto body = parse_body(req.body.empty() ? "{}" : req.body, {{"channel", V::string, false, 32}});
    if (!body) return error_response(body.error());
    auto c = ctx.hub.case_repo.get(req.params["id"]);
    if (!c || !may_see_case(req.actor, *c)) return case_not_found();
    if (c->status != case_status::kRejected && c->status != case_status::kExpired)
      return sdk::HttpResponse::error(
          409, {"REMEDIATION_NOT_NEEDED",
                "Only a rejected or expired case can be remedied (this one is '" + c->status + "').",
                std::string("只有未通过或已过期的认证可以补实名（当前状态：") + status_label_zh(c->status) + "）。",
                "case"});
    auto snap = ctx.hub.rules().current();
    const auto* province = snap->province(c->province);
    const auto* session = province ? province->session(c->exam_session) : nullptr;
    if (!session)
      return sdk::HttpResponse::error(404, {"SESSION_NOT_FOUND", "No such exam session.", "没有该考试批次。", "exam_session"});
    auto now = ctx.hub.clock().now();
    if (now >= session->remediation_deadline())
      return sdk::HttpResponse::error(
          403, {"REMEDIATION_CLOSED",
                session->remediation_days_after_deadline > 0
                    ? "Remediation for this exam session closed at " + format_time(session->remediation_deadline()) + "."
                    : "Verification for this exam session closed at " + format_time(session->verification_deadline) +
                          "; the rules allow no remediation after it.",
                "本次考试的补实名已截止。", "case"});
    sdk::OpenCaseRequest r;
    r.province = c->province;
    r.channel = body->value("channel", c->channel);
    r.exam_session = c->exam_session;
    r.identity = c->identity;
    sdk::Actor actor = req.actor.role == "citizen" ? sdk::Actor{"citizen", "", "", "citizen"} : req.actor;
    auto opened = ctx.hub.case_service().open(r, actor);
    if (!opened) return error_response(opened.error());
    ctx.hub.case_service().audit_event(*c, req.actor, "remediation_started", "new attempt " + opened->case_id);
    auto fresh = ctx.hub.case_repo.get(opened->case_id);
    return ok({{"case_id", opened->case_id}, {"candidate_id", opened->candidate_id},
               {"token", opened->citizen_token}, {"status", "collecting"},
               {"attempt", fresh ? fresh->attempt : 0}, {"previous_case_id", c->id},
               {"attempts", fresh ? attempts_json(ctx.hub, *fresh) : nlohmann::json::array()}},
              201);
  });

  router.add("GET", "/api/v1/cases/{id}/attempts", [&ctx](sdk::HttpRequest& req) {
    sdk::HttpResponse err;
    storage::CaseRecord own;
    if (!authorize(ctx, req, {"citizen", "clerk", "reviewer", "admin"}, err, &own)) return err;
    auto c = ctx.hub.case_repo.get(req.params["id"]);
    if (!c || !may_see_case(req.actor, *c)) return case_not_found();
    return ok({{"case_id", c->id}, {"candidate_id", c->candidate_id}, {"exam_session", c->exam_session},
               {"attempts", attempts_json(ctx.hub, *c)}});
  });
}

}  // namespace shiming::api
