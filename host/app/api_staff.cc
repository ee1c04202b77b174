// Staff routes: sign-in, the review queue and decisions; channel plugin routes.
#include <algorithm>

#include "app/api_util.h"
#include "app/case_service.h"
#include "common/dates.h"
#include "core/json_body.h"

namespace shiming::api {
namespace {

using V = nlohmann::json::value_t;

struct ReviewReason {
  const char* code;
  const char* message;
  const char* message_zh;
};

// Reasons a reviewer may give for a rejection (the citizen sees the text and
// the province's advice for the code).
constexpr ReviewReason kReviewReasons[] = {
    {"DOCUMENT_UNREADABLE", "The ID card photo cannot be read.", "身份证照片无法辨认。"},
    {"DOCUMENT_EXPIRED", "The ID card has expired.", "身份证已过期。"},
    {"PHOTO_MISMATCH", "The face does not match the ID card.", "人像与身份证不一致。"},
    {"IDENTITY_MISMATCH", "The declared identity does not match the documents.", "填报信息与证件不一致。"},
    {"LIVENESS_FAILED", "The live face check was not convincing.", "活体检测未通过。"},
    {"DOCUMENT_MISSING", "A required original or document is missing.", "缺少必要材料。"},
    {"OTHER", "Other reason; see the office's message.", "其他原因，请联系考试机构。"},
};

bool known_reason(const std::string& code) {
  return std::any_of(std::begin(kReviewReasons), std::end(kReviewReasons),
                     [&](const ReviewReason& r) { return code == r.code; });
}

}  // namespace

void register_staff_routes(http::Router& router, ApiContext& ctx) {
  router.add("POST", "/api/v1/auth/login", [&ctx](sdk::HttpRequest& req) {
    auto body = parse_body(req.body, {{"username", V::string, true, 64}, {"password", V::string, true, 256}});
    if (!body) return error_response(body.error());
    int retry_after = 0;
    auto r = ctx.auth.login((*body)["username"], (*body)["password"], &retry_after);
    if (!r) {
      auto resp = error_response(r.error());
      if (retry_after > 0) resp.headers.emplace_back("Retry-After", std::to_string(retry_after));
      return resp;
    }
    return ok({{"token", r->token}, {"expires_at", r->expires_at}, {"role", r->role},
               {"province", r->province}, {"username", r->username}});
  });

  router.add("POST", "/api/v1/auth/logout", [&ctx](sdk::HttpRequest& req) {
    sdk::HttpResponse err;
    if (!authorize(ctx, req, {"admin", "reviewer", "clerk", "enterprise_hr"}, err)) return err;
    std::string_view h = req.header("Authorization");
    ctx.auth.logout(std::string(h.substr(7)));
    sdk::HttpResponse r;
    r.status = 204;
    return r;
  });

  router.add("GET", "/api/v1/review/reasons", [&ctx](sdk::HttpRequest& req) {
    sdk::HttpResponse err;
    // Citizens too: their status page shows a rejection's reasons in words, not codes.
    if (!authorize(ctx, req, {"admin", "reviewer", "clerk", "citizen"}, err)) return err;
    nlohmann::json list = nlohmann::json::array();
    for (const auto& r : kReviewReasons)
      list.push_back({{"code", r.code}, {"message", r.message}, {"message_zh", r.message_zh}});
    return ok({{"reasons", list}});
  });

  router.add("GET", "/api/v1/review/queue", [&ctx](sdk::HttpRequest& req) {
    sdk::HttpResponse err;
    if (!authorize(ctx, req, {"admin", "reviewer"}, err)) return err;
    std::vector<std::string> provinces;
    if (req.actor.province.empty()) provinces = ctx.hub.provinces();
    else provinces.push_back(req.actor.province);
    std::string channel = req.query.count("channel") ? req.query["channel"] : "";
    int limit = 100;
    if (auto it = req.query.find("limit"); it != req.query.end()) {
      try { limit = std::clamp(std::stoi(it->second), 1, 500); } catch (...) {}
    }
    auto now = ctx.hub.clock().now();
    nlohmann::json items = nlohmann::json::array();
    std::int64_t total = 0;
    for (const auto& p : provinces) {
      total += ctx.hub.case_repo.count_by_status(p, "pending_review");
      for (const auto& c : ctx.hub.case_repo.list_by_status(p, "pending_review", limit, 0)) {
        if (!channel.empty() && c.channel != channel) continue;
        nlohmann::json j = {{"id", c.id}, {"province", c.province}, {"channel", c.channel},
                            {"exam_session", c.exam_session}, {"attempt", c.attempt},
                            {"expedited", c.expedited},
                            {"submitted_at", c.submitted_at ? format_time(*c.submitted_at) : ""},
                            {"due_at", c.due_at ? format_time(*c.due_at) : ""},
                            {"overdue", c.due_at && *c.due_at < now}};
        items.push_back(j);
      }
    }
    // Overdue first, then expedited, then the earliest due date.
    std::stable_sort(items.begin(), items.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
      if (a["overdue"] != b["overdue"]) return a["overdue"].get<bool>();
      if (a["expedited"] != b["expedited"]) return a["expedited"].get<bool>();
      return a["due_at"].get<std::string>() < b["due_at"].get<std::string>();
    });
    return ok({{"total", total}, {"items", items}});
  });

  router.add("GET", "/api/v1/review/{case}", [&ctx](sdk::HttpRequest& req) {
    sdk::HttpResponse err;
    if (!authorize(ctx, req, {"admin", "reviewer", "clerk"}, err)) return err;
    auto c = ctx.hub.case_repo.get(req.params["case"]);
    if (!c || !may_see_case(req.actor, *c))
      return error_response({"CASE_NOT_FOUND", "No such case.", "没有找到该认证申请。", "case"});
    auto j = case_json(ctx.hub, *c, true);
    nlohmann::json audit = nlohmann::json::array();
    for (const auto& a : ctx.hub.audit.list_for_case(c->id))
      audit.push_back({{"seq", a.seq}, {"at", format_time(a.created_at)}, {"actor", a.actor_role + ":" + a.actor_id},
                       {"action", a.action}, {"from", a.from_status}, {"to", a.to_status}, {"reason", a.reason}});
    j["audit"] = audit;
    return ok(j);
  });

  router.add("POST", "/api/v1/review/{case}/decision", [&ctx](sdk::HttpRequest& req) {
    sdk::HttpResponse err;
    if (!authorize(ctx, req, {"admin", "reviewer"}, err)) return err;
    auto body = parse_body(req.body, {{"decision", V::string, true, 16},
                                      {"reasons", V::array, false, 10},
                                      {"comment", V::string, false, 1000}});
    if (!body) return error_response(body.error());
    std::string decision = (*body)["decision"];
    if (decision != "approve" && decision != "reject")
      return error_response({"WRONG_TYPE", "decision must be 'approve' or 'reject'.",
                             "decision 应为 approve 或 reject。", "decision"});
    std::vector<std::string> reasons;
    for (const auto& r : body->value("reasons", nlohmann::json::array())) {
      if (!r.is_string() || !known_reason(r.get<std::string>()))
        return error_response({"UNKNOWN_REASON_CODE", "Unknown reason code; see GET /api/v1/review/reasons.",
                               "未知的原因代码。", "reasons"});
      reasons.push_back(r.get<std::string>());
    }
    if (decision == "reject" && reasons.empty())
      return error_response({"MISSING_FIELD", "A rejection needs at least one reason code.",
                             "驳回时至少需要一个原因。", "reasons"});
    auto c = ctx.hub.case_repo.get(req.params["case"]);
    if (!c || !may_see_case(req.actor, *c))
      return error_response({"CASE_NOT_FOUND", "No such case.", "没有找到该认证申请。", "case"});
    auto s = ctx.hub.case_service().decide(c->id, decision == "approve", reasons,
                                           body->value("comment", ""), req.actor);
    if (!s) return error_response(s.error());
    auto fresh = ctx.hub.case_repo.get(c->id);
    return ok(case_json(ctx.hub, fresh.value(), true));
  });
}

void register_channel_routes(http::Router& router, ApiContext& ctx) {
  for (const auto& p : ctx.hub.plugins()) {
    sdk::Channel* channel = p.object->as_channel();
    if (!channel) continue;
    std::string prefix = "/api/v1/channels/" + p.library.name;
    for (const auto& spec : channel->routes()) {
      http::RouteOptions o;
      o.max_body = spec.max_body;
      std::vector<std::string> roles = spec.roles;
      std::string id = spec.id;
      auto handler = [&ctx, channel, roles, id](sdk::HttpRequest& req) {
                   auto actor = ctx.auth.resolve(req);
                   if (!actor) return error_response(actor.error());
                   req.actor = actor.value();
                   if (!roles.empty() && std::find(roles.begin(), roles.end(), req.actor.role) == roles.end()) {
                     if (req.actor.role == "anonymous")
                       return sdk::HttpResponse::error(401, {"UNAUTHENTICATED", "Please sign in first.", "请先登录。", ""});
                     return sdk::HttpResponse::error(403, {"FORBIDDEN", "You are not allowed to do this.", "您无权执行此操作。", ""});
                   }
                   return channel->handle(id, req);
                 };
      router.add(spec.method, prefix + spec.path, handler, o);
      // Anyone holding a receipt checks it at the host-level address printed on it.
      if (p.library.name == "window" && spec.method == "GET" && spec.path == "/receipts/verify")
        router.add("GET", "/api/v1/receipts/verify", handler, o);
    }
  }
}

}  // namespace shiming::api

namespace shiming {

namespace api {
void register_public_routes(http::Router& router, ApiContext& ctx);
void register_case_routes(http::Router& router, ApiContext& ctx, std::size_t upload_limit);
void register_testing_routes(http::Router& router, ApiContext& ctx);
void register_remedy_routes(http::Router& router, ApiContext& ctx);
void register_ticket_routes(http::Router& router, ApiContext& ctx);
void register_help_routes(http::Router& router, ApiContext& ctx);  // api_help.cc
}  // namespace api

void register_routes(http::Router& router, ApiContext& ctx) {
  api::register_public_routes(router, ctx);
  api::register_case_routes(router, ctx, ctx.hub.config().limits.upload_max_bytes);
  api::register_staff_routes(router, ctx);
  api::register_channel_routes(router, ctx);
  api::register_testing_routes(router, ctx);
  api::register_remedy_routes(router, ctx);
  api::register_ticket_routes(router, ctx);
  api::register_help_routes(router, ctx);
}

}  // namespace shiming
