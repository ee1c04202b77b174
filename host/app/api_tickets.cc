// The admission ticket (准考证):
//   GET /api/v1/candidates/{id}/sessions/{s}/admission-ticket
// {id} is the candidate id (case JSON `candidate_id`), {s} the exam session. A printable ticket
// only for a candidate whose case of that session was verified by the session's verification
// deadline: HTML from templates/ticket/, or an A4 PDF with ?format=pdf or Accept: application/pdf;
// both carry a QR code of a signed token (sdk/print, the window receipt's kind of token) signed
// with the host's ticket key. Otherwise 403 with a code (NOT_VERIFIED, VERIFIED_AFTER_DEADLINE,
// REJECTED) and the remedy open to them. Times from the Hub clock.
//   GET /api/v1/admission-tickets/verify?token=   anyone: is this ticket genuine?
//   GET /api/v1/admission-tickets/public-key      the key for `shimingctl ticket verify`
#include <kainjow/mustache.hpp>

#include <memory>
#include <mutex>

#include "app/api_util.h"
#include "common/dates.h"
#include "core/case_state.h"
#include "shiming/print/qr.h"
#include "shiming/print/signed_pdf.h"
#include "shiming/print/signed_token.h"
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

constexpr const char* kTicketDoc = "admission_ticket";

// The host's ticket signing key: a seed kept encrypted in the record store, made on first use
// (hosts sharing a database share it).
class TicketKeys {
 public:
  explicit TicketKeys(Hub& hub) : hub_(hub) {}
  sdk::Result<print::ReceiptKeys> get() {
    std::lock_guard lock(mu_);
    if (keys_) return *keys_;
    std::string seed;
    auto stored = hub_.records().get("host_keys", kTicketDoc);
    if (!stored || !print::base64_decode(stored->value("seed", ""), seed) || seed.size() != 32) {
      seed = print::random_seed();
      if (auto s = hub_.records().put("host_keys", kTicketDoc, {{"seed", print::base64_encode(seed)},
                                                                {"created_at", format_time(hub_.clock().now())}});
          !s)
        return s.error();
      // Another host may have stored its seed at the same moment: the stored one wins for all.
      if (auto again = hub_.records().get("host_keys", kTicketDoc))
        if (std::string stored_seed; print::base64_decode(again->value("seed", ""), stored_seed) && stored_seed.size() == 32)
          seed = stored_seed;
    }
    auto keys = print::receipt_keys_from_seed(seed);
    if (!keys) return keys.error();
    keys_ = *keys;
    return *keys_;
  }

 private:
  Hub& hub_;
  std::mutex mu_;
  std::optional<print::ReceiptKeys> keys_;
};

bool wants_pdf(const sdk::HttpRequest& req) {
  auto f = req.query.find("format");
  if (f != req.query.end()) return f->second == "pdf";
  return req.header("Accept").find("application/pdf") != std::string_view::npos;
}

}  // namespace

void register_ticket_routes(http::Router& router, ApiContext& ctx) {
  auto ticket_keys = std::make_shared<TicketKeys>(ctx.hub);
  router.add("GET", "/api/v1/candidates/{id}/sessions/{s}/admission-ticket", [&ctx, ticket_keys](sdk::HttpRequest& req) {
    if (auto f = req.query.find("format"); f != req.query.end() && f->second != "html" && f->second != "pdf")
      return sdk::HttpResponse::error(400, {"FORMAT_INVALID", "format must be html or pdf.", "format 应为 html 或 pdf。", "format"});
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
      // After the deadline a remediation (补实名) window may still be open: no ticket, but the
      // certificate claim.
      bool remedy_open = !open && now < session->remediation_deadline() && latest &&
                         (latest->status == case_status::kRejected || latest->status == case_status::kExpired);
      std::string remedy_until = format_time(session->remediation_deadline());
      std::string closed = remedy_open
                               ? "Verification for this session has closed; you may still remedy it (补实名, POST "
                                 "/api/v1/cases/" + latest->id + "/remediation) before " + remedy_until +
                                     " for the certificate claim, but no admission ticket follows."
                               : "Verification for this session has closed; contact the exam office.";
      std::string closed_zh = remedy_open ? "本次考试实名认证已截止；您仍可在 " + remedy_until +
                                                " 前补实名，以便领取证书，但不能打印准考证。"
                                          : "本次考试实名认证已截止，请联系考试机构。";
      if (rejected)
        return refused("REJECTED", "Your identity verification was rejected: no admission ticket.",
                       "您的实名认证未通过，无法打印准考证。",
                       open ? "Start a new verification attempt (POST /api/v1/cases/" + latest->id +
                                  "/remediation) before " + deadline + " (see the rejection reasons)."
                            : closed,
                       open ? "请在截止时间前重新提交实名认证（补实名，参见未通过原因）。" : closed_zh);
      return refused("NOT_VERIFIED", "Identity verification is not complete: no admission ticket.",
                     "尚未完成实名认证，无法打印准考证。",
                     open ? "Complete identity verification before " + deadline + "." : closed,
                     open ? "请在截止时间前完成实名认证。" : closed_zh);
    }
    if (!verified->decided_at || *verified->decided_at > session->verification_deadline)
      return refused("VERIFIED_AFTER_DEADLINE", "Identity was verified after the deadline " + deadline + ".",
                     "实名认证在截止时间之后才完成，无法打印准考证。",
                     "Contact the exam office; the certificate claim may still be open.",
                     "请联系考试机构；证书领取可能仍可办理。");
    auto keys = ticket_keys->get();
    if (!keys) return error_response(keys.error());
    std::string masked_name = sdk::mask_name(verified->identity.name);
    std::string masked_id = sdk::mask_id_number(verified->identity.id_number);
    std::string exam_date = format_date(session->exam_date), verified_at = format_time(*verified->decided_at);
    std::string printed_at = format_time(now);
    nlohmann::json payload = {{"doc", kTicketDoc}, {"v", 1}, {"candidate", id}, {"case", verified->id},
                              {"province", province->code}, {"session", sid}, {"name", masked_name},
                              {"id_number", masked_id}, {"exam_date", exam_date}, {"verified_at", verified_at},
                              {"at", printed_at}};
    std::string token = print::sign_receipt(payload, *keys);
    sdk::HttpResponse r;
    r.headers.emplace_back("X-Ticket-Token", token);
    r.headers.emplace_back("Cache-Control", "no-store");
    if (wants_pdf(req)) {
      print::SignedPdf doc;
      doc.title = province->name + " " + session->name + " 准考证";
      doc.subtitle = "Computer qualification exam: admission ticket (" + session->name_en + ")";
      doc.rows = {{"考生编号 / Candidate", id},
                  {"姓名 / Name", masked_name},
                  {"身份证号 / ID number", masked_id},
                  {"考试日期 / Exam date", exam_date},
                  {"实名认证 / Identity verified", verified_at + "\n认证编号 / case " + verified->id},
                  {"打印时间 / Printed", printed_at}};
      doc.note = "请携带本准考证及有效身份证件原件参加考试。扫描二维码可核验本准考证的真伪。\n"
                 "Bring this ticket and the original of your ID card to the exam. Scan the QR code to check "
                 "that this ticket is genuine.";
      doc.token = token;
      doc.qr_text = token;
      auto pdf = print::render_signed_pdf(doc);
      if (!pdf) return sdk::HttpResponse::error(500, pdf.error());
      r.content_type = "application/pdf";
      r.body = std::move(*pdf);
      r.headers.emplace_back("Content-Disposition", "inline; filename=\"admission-ticket-" + sid + ".pdf\"");
      return r;
    }
    auto qr = print::qr_modules(token);
    if (!qr) return sdk::HttpResponse::error(500, qr.error());
    using kainjow::mustache::data;
    data d;
    d.set("province_name", province->name);
    d.set("session_name", session->name);
    d.set("session_name_en", session->name_en);
    d.set("exam_session", sid);
    d.set("candidate_id", id);
    d.set("case_id", verified->id);
    d.set("masked_name", masked_name);
    d.set("masked_id_number", masked_id);
    d.set("exam_date", exam_date);
    d.set("verified_at", verified_at);
    d.set("printed_at", printed_at);
    d.set("token", token);
    d.set("qr_svg", print::qr_svg(*qr));
    kainjow::mustache::mustache engine{std::string(kTicketTemplate)};
    std::string html = engine.is_valid() ? engine.render(d) : "";
    if (!engine.is_valid())
      return sdk::HttpResponse::error(500, {"TEMPLATE_FAILED", "The ticket template is invalid: " + engine.error_message(),
                                            "准考证模板无效。", ""});
    r.content_type = "text/html; charset=utf-8";
    r.body = std::move(html);
    return r;
  });

  // Anyone holding a printed ticket may check it (the token is what its QR code carries).
  router.add("GET", "/api/v1/admission-tickets/verify", [ticket_keys](sdk::HttpRequest& req) {
    auto it = req.query.find("token");
    if (it == req.query.end() || it->second.empty())
      return sdk::HttpResponse::error(400, {"MISSING_FIELD", "Give the ticket token (?token=...).", "请提供准考证凭证。", "token"});
    auto keys = ticket_keys->get();
    if (!keys) return error_response(keys.error());
    auto v = print::verify_receipt(it->second, keys->public_key);
    if (!v) return sdk::HttpResponse::error(v.error().code == "RECEIPT_TOKEN_MALFORMED" ? 400 : 422, v.error());
    if (v->value("doc", "") != kTicketDoc)
      return sdk::HttpResponse::error(422, {"NOT_AN_ADMISSION_TICKET", "The token is not an admission ticket's.",
                                            "该凭证不是准考证凭证。", "token"});
    return ok({{"valid", true}, {"ticket", *v}});
  });
  router.add("GET", "/api/v1/admission-tickets/public-key", [ticket_keys](sdk::HttpRequest&) {
    auto keys = ticket_keys->get();
    if (!keys) return error_response(keys.error());
    std::string pk(reinterpret_cast<const char*>(keys->public_key.data()), keys->public_key.size());
    return ok({{"algorithm", "Ed25519"}, {"key_id", keys->key_id()}, {"public_key", print::base64_encode(pk)}});
  });
}

}  // namespace shiming::api
