// Routes anyone may call, and the admin routes about rules and plugins.
#include "app/api_util.h"
#include "app/case_service.h"
#include "common/dates.h"

namespace shiming::api {

void register_page_routes(http::Router& router, ApiContext& ctx);  // api_pages.cc

void register_public_routes(http::Router& router, ApiContext& ctx) {
  router.add("GET", "/healthz", [&ctx](sdk::HttpRequest&) {
    try {
      auto s = ctx.hub.db().session();
      int one = 0;
      *s << "SELECT 1", soci::into(one);
    } catch (const std::exception&) {
      return sdk::HttpResponse::error(503, {"DATABASE_UNAVAILABLE", "The database is not reachable.",
                                            "数据库不可用。", ""});
    }
    auto snap = ctx.hub.rules().current();
    return ok({{"status", "ok"}, {"provinces", snap->codes().size()},
               {"rules_generation", snap->generation()}, {"plugins", ctx.hub.plugins().size()}});
  });

  router.add("GET", "/metrics", [&ctx](sdk::HttpRequest&) {
    sdk::HttpResponse r;
    r.content_type = "text/plain; version=0.0.4";
    r.body = ctx.hub.metrics().render();
    return r;
  });

  // Names of the document kinds for people; the pages label uploads and scans with them.
  router.add("GET", "/api/v1/document-kinds", [](sdk::HttpRequest&) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& k : document_kinds()) list.push_back({{"kind", k.kind}, {"name", k.zh}, {"name_en", k.en}});
    auto r = ok({{"kinds", list}});
    r.headers.emplace_back("Cache-Control", "public, max-age=3600");
    return r;
  });

  router.add("GET", "/api/v1/provinces", [&ctx](sdk::HttpRequest&) {
    auto snap = ctx.hub.rules().current();
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [code, p] : snap->provinces()) {
      nlohmann::json channels = nlohmann::json::array();
      for (const auto& [name, ch] : p.channels)
        if (ch.enabled && ctx.hub.channel(name)) channels.push_back(name);
      list.push_back({{"code", code}, {"name", p.name}, {"name_en", p.name_en},
                      {"region_code", p.region_code}, {"channels", channels}});
    }
    return ok({{"provinces", list}});
  });

  router.add("GET", "/api/v1/provinces/{province}/sessions", [&ctx](sdk::HttpRequest& req) {
    auto snap = ctx.hub.rules().current();
    const auto* p = snap->province(req.params["province"]);
    if (!p) return error_response({"PROVINCE_NOT_FOUND", "No such province.", "没有该省份。", "province"});
    nlohmann::json list = nlohmann::json::array();
    auto now = ctx.hub.clock().now();
    for (const auto& s : p->sessions) {
      nlohmann::json j = {{"id", s.id}, {"name", s.name}, {"name_en", s.name_en},
                          {"registration_open", format_time(s.registration_open)},
                          {"registration_close", format_time(s.registration_close)},
                          {"verification_deadline", format_time(s.verification_deadline)},
                          {"exam_date", format_date(s.exam_date)},
                          {"registration_is_open", now >= s.registration_open && now < s.registration_close}};
      if (s.score_release) j["score_release"] = format_date(*s.score_release);
      // Remediation (补实名): new attempts after a rejection or a missed deadline, and until when.
      j["remediation_attempts"] = s.remediation_attempts;
      j["remediation_until"] = format_time(s.remediation_deadline());
      list.push_back(j);
    }
    return ok({{"province", p->code}, {"sessions", list}});
  });

  router.add("GET", "/api/v1/provinces/{province}/rules", [&ctx](sdk::HttpRequest& req) {
    sdk::HttpResponse denied;
    if (!authorize(ctx, req, {"admin"}, denied)) return denied;
    const std::string& code = req.params["province"];
    if (!req.actor.province.empty() && req.actor.province != code)
      return error_response({"PROVINCE_NOT_FOUND", "No such province.", "没有该省份。", "province"});
    auto snap = ctx.hub.rules().current();
    if (!snap->province(code))
      return error_response({"PROVINCE_NOT_FOUND", "No such province.", "没有该省份。", "province"});
    return ok({{"province", code}, {"generation", snap->generation()}, {"rules", snap->effective(code)}});
  });

  router.add("POST", "/api/v1/admin/rules/reload", [&ctx](sdk::HttpRequest& req) {
    sdk::HttpResponse denied;
    if (!authorize(ctx, req, {"admin"}, denied)) return denied;
    auto result = ctx.hub.rules().reload();
    log_event(result.ok ? spdlog::level::info : spdlog::level::warn, "rules reload",
              {{"ok", result.ok}, {"by", req.actor.display}, {"generation", result.generation}});
    if (!result.ok) {
      sdk::HttpResponse r = sdk::HttpResponse::error(
          422, {"RULES_INVALID", "The new rules have errors; the current rules stay in force.",
                "新规则有错误，当前规则继续有效。", ""});
      auto body = nlohmann::json::parse(r.body);
      body["error"]["diagnostics"] = result.to_json()["diagnostics"];
      r.body = body.dump();
      return r;
    }
    return ok(result.to_json());
  });

  router.add("GET", "/api/v1/plugins", [&ctx](sdk::HttpRequest& req) {
    sdk::HttpResponse denied;
    if (!authorize(ctx, req, {"admin", "reviewer", "clerk"}, denied)) return denied;
    nlohmann::json list = nlohmann::json::array();
    for (const auto& p : ctx.hub.plugins())
      list.push_back({{"name", p.library.name}, {"kind", p.library.kind},
                      {"version", p.library.version}, {"description", p.library.description},
                      {"file", p.library.file},
                      {"sdk", std::to_string(p.library.sdk_major) + "." + std::to_string(p.library.sdk_minor)}});
    return ok({{"plugins", list}});
  });

  register_page_routes(router, ctx);
}

}  // namespace shiming::api
