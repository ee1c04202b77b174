// Citizen routes: open a case, upload documents, submit, see the status.
#include "app/api_util.h"
#include "app/case_service.h"
#include "app/case_view_cache.h"
#include "app/notifications.h"
#include "app/worker_pool.h"
#include "common/dates.h"
#include "common/random.h"
#include "core/json_body.h"

#include <cstdlib>

#include <openssl/rand.h>

namespace shiming::api {
namespace {

using V = nlohmann::json::value_t;

// Loads the case and checks the caller may see it; 404 otherwise (no hint
// that a case exists in another province).
bool load_case(ApiContext& ctx, sdk::HttpRequest& req, storage::CaseRecord& out, sdk::HttpResponse& err) {
  // A citizen's own case was read while checking the token: no second read.
  if (req.actor.role == "citizen" && out.id == req.params["id"] && out.id == req.actor.id) return true;
  auto c = ctx.hub.case_repo.get(req.params["id"]);
  if (!c || !may_see_case(req.actor, *c)) {
    err = error_response({"CASE_NOT_FOUND", "No such case.", "没有找到该认证申请。", "id"});
    return false;
  }
  out = std::move(c.value());
  return true;
}

std::vector<std::string> draw_actions(const std::vector<std::string>& enabled, int length) {
  std::vector<std::string> pool = enabled, out;
  while ((int)out.size() < length && !pool.empty()) {
    unsigned char b[4];
    RAND_bytes(b, sizeof b);
    std::uint32_t r = (std::uint32_t(b[0]) << 24) | (b[1] << 16) | (b[2] << 8) | b[3];
    std::size_t i = r % pool.size();
    out.push_back(pool[i]);
    pool.erase(pool.begin() + static_cast<long>(i));
  }
  return out;
}

}  // namespace

void register_case_routes(http::Router& router, ApiContext& ctx, std::size_t upload_limit) {
  router.add("POST", "/api/v1/provinces/{province}/cases", [&ctx](sdk::HttpRequest& req) {
    sdk::HttpResponse denied;
    if (!authorize(ctx, req, {}, denied)) return denied;
    auto body = parse_body(req.body, {{"name", V::string, true, 90},
                                      {"id_number", V::string, true, 32},
                                      {"sex", V::string, true, 1},
                                      {"phone", V::string, true, 20},
                                      {"exam_session", V::string, true, 32},
                                      {"channel", V::string, false, 32},
                                      {"email", V::string, false, 254},
                                      {"consent_text_version", V::string, false, 32}});
    if (!body) return error_response(body.error());
    sdk::OpenCaseRequest r;
    r.province = req.params["province"];
    r.channel = body->value("channel", "online");
    r.exam_session = (*body)["exam_session"];
    r.identity.name = (*body)["name"];
    r.identity.id_number = (*body)["id_number"];
    r.identity.sex = (*body)["sex"];
    r.identity.phone = (*body)["phone"];
    if (auto email = body->value("email", ""); !email.empty()) {
      if (!plausible_email(email))
        return error_response(sdk::Error{"INVALID_EMAIL", "The e-mail address is not valid.",
                                         "电子邮箱地址无效。", "email"});
      r.identity.extra["email"] = email;  // encrypted with the identity; used for notifications
    }
    // Anyone may open an online case: the citizen becomes its holder.
    sdk::Actor actor = req.actor.role == "anonymous" ? sdk::Actor{"citizen", "", "", "citizen"} : req.actor;
    auto opened = ctx.hub.case_service().open(r, actor);
    if (!opened) return error_response(opened.error());
    // Consent to the processing of personal data, as the web page shows it: which text version,
    // recorded at the hub's time (the case id is the key: one consent per case).
    nlohmann::json consent;
    if (auto v = body->value("consent_text_version", ""); !v.empty()) {
      consent = {{"text_version", v}, {"given_at", format_time(ctx.hub.clock().now())}};
      if (auto s = ctx.hub.records().put("consents", opened->case_id, consent, opened->case_id); !s)
        return error_response(s.error());
    }
    return ok({{"case_id", opened->case_id}, {"candidate_id", opened->candidate_id},
               {"token", opened->citizen_token}, {"status", "collecting"}, {"consent", consent}},
              201);
  });

  // A citizen's status page is polled: its view is kept per case change stamp (case_view_cache.h).
  // Mostly answered from memory in a few microseconds: on the I/O thread (RouteOptions::quick).
  auto views = std::make_shared<CaseViewCache>(ctx.hub);
  http::RouteOptions view_route;
  view_route.quick = true;
  router.add(
      "GET", "/api/v1/cases/{id}",
      [&ctx, views](sdk::HttpRequest& req) {
        if (auto view = views->citizen_view(req)) return std::move(*view);
        sdk::HttpResponse err;
        storage::CaseRecord c;
        if (!authorize(ctx, req, {"citizen", "reviewer", "clerk", "admin"}, err, &c)) return err;
        if (!load_case(ctx, req, c, err)) return err;
        return ok(case_json(ctx.hub, c, req.actor.role != "citizen"));
      },
      view_route);

  http::RouteOptions upload;
  upload.max_body = upload_limit;
  router.add(
      "PUT", "/api/v1/cases/{id}/documents/{kind}",
      [&ctx](sdk::HttpRequest& req) {
        sdk::HttpResponse err;
        if (!authorize(ctx, req, {"citizen", "clerk"}, err)) return err;
        storage::CaseRecord c;
        if (!load_case(ctx, req, c, err)) return err;
        sdk::Evidence e;
        e.kind = req.params["kind"];
        e.content_type = std::string(req.header("Content-Type"));
        e.data.assign(req.body.begin(), req.body.end());
        if (auto nonce = req.query.find("nonce"); nonce != req.query.end()) e.meta["nonce"] = nonce->second;
        // The frame rate a browser actually recorded an MJPEG clip at (liveness README: meta fps).
        if (auto fps = req.query.find("fps"); fps != req.query.end()) {
          char* end = nullptr;
          double v = std::strtod(fps->second.c_str(), &end);
          if (end == fps->second.c_str() || *end != '\0' || !(v >= 1 && v <= 60))
            return sdk::HttpResponse::error(400, {"FPS_INVALID", "'fps' must be a number from 1 to 60.",
                                                  "fps 须为 1 到 60 之间的数字。", "fps"});
          e.meta["fps"] = v;
        }
        auto s = ctx.hub.case_service().attach(c.id, std::move(e), req.actor);
        if (!s) return error_response(s.error());
        return ok({{"case_id", c.id}, {"kind", req.params["kind"]}, {"stored", true},
                   {"size", req.body.size()}});
      },
      upload);

  router.add("POST", "/api/v1/cases/{id}/submit", [&ctx](sdk::HttpRequest& req) {
    sdk::HttpResponse err;
    if (!authorize(ctx, req, {"citizen", "clerk"}, err)) return err;
    storage::CaseRecord c;
    if (!load_case(ctx, req, c, err)) return err;
    auto s = ctx.hub.case_service().submit(c.id, req.actor);
    if (!s) return error_response(s.error());
    ctx.workers.notify();
    auto fresh = ctx.hub.case_repo.get(c.id);
    return ok(case_json(ctx.hub, fresh ? fresh.value() : c, false), 202);
  });

  router.add("POST", "/api/v1/cases/{id}/liveness/challenge", [&ctx](sdk::HttpRequest& req) {
    sdk::HttpResponse err;
    if (!authorize(ctx, req, {"citizen", "clerk"}, err)) return err;
    storage::CaseRecord c;
    if (!load_case(ctx, req, c, err)) return err;
    if (c.status != "collecting")
      return error_response({"CASE_NOT_EDITABLE", "The case was already submitted.", "申请已提交。", ""});
    auto snap = ctx.hub.rules().current();
    const auto* p = snap->province(c.province);
    const auto* ch = p ? p->enabled_channel(c.channel) : nullptr;
    const rules::PipelineStep* step = nullptr;
    if (ch)
      for (const auto& s : ch->pipeline)
        if (s.verifier == "liveness") step = &s;
    if (!step)
      return sdk::HttpResponse::error(409, {"LIVENESS_NOT_REQUIRED", "This channel does not use a liveness check.",
                                            "该渠道不需要活体检测。", ""});
    std::vector<std::string> enabled = step->params.value("actions", std::vector<std::string>{"blink", "turn_left", "turn_right"});
    int length = step->params.value("challenge_length", 2);
    int ttl = step->params.value("challenge_ttl_seconds", 60);
    auto now = ctx.hub.clock().now();
    std::string nonce = random_token(18);
    // Random in production; a test host (testing.predictable_liveness_challenge, --allow-testing)
    // asks for the rule's first actions in order.
    std::vector<std::string> actions =
        ctx.hub.config().testing.predictable_liveness_challenge
            ? std::vector<std::string>(enabled.begin(), enabled.begin() + std::min<std::ptrdiff_t>(length, enabled.size()))
            : draw_actions(enabled, length);
    nlohmann::json record = {{"case_id", c.id}, {"actions", actions},
                             {"issued_at", format_time(now)},
                             {"expires_at", format_time(now + std::chrono::seconds(ttl))},
                             {"used", false}};
    if (auto s = ctx.hub.records().put("liveness_challenges", nonce, record, c.id); !s)
      return error_response(s.error());
    return ok({{"nonce", nonce}, {"actions", record["actions"]}, {"expires_at", record["expires_at"]},
               {"upload", "/api/v1/cases/" + c.id + "/documents/liveness-video?nonce=" + nonce}},
              201);
  });
}

}  // namespace shiming::api
