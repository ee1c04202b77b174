// Citizen help and busy-time information (issue 8, "Support" and "Peak days"):
//   GET /api/v1/provinces/{p}/help  contact points, the provincial offices (the window channel's
//                                   offices when it is enabled) and FAQ from the province rules
//   GET /api/v1/provinces/{p}/load  whether now is a busy time (live job-queue depth and the
//                                   rules' peak windows) and when the next quiet time starts
#include "app/api_util.h"
#include "app/hub.h"
#include "common/dates.h"

namespace shiming::api {
namespace {

// Queued + running jobs above which verification answers are noticeably slower.
constexpr std::int64_t kBusyQueueDepth = 50;

}  // namespace

void register_help_routes(http::Router& router, ApiContext& ctx) {
  router.add("GET", "/api/v1/provinces/{province}/help", [&ctx](sdk::HttpRequest& req) {
    auto snap = ctx.hub.rules().current();
    const auto* p = snap->province(req.params["province"]);
    if (!p) return error_response({"PROVINCE_NOT_FOUND", "No such province.", "没有该省份。", "province"});
    nlohmann::json faq = nlohmann::json::array();
    for (const auto& f : p->help.faq)
      faq.push_back({{"topic", f.topic}, {"question", f.question}, {"question_en", f.question_en},
                     {"answer", f.answer}, {"answer_en", f.answer_en}});
    // Offices where a candidate may verify in person (and file an expedite request): the window
    // channel's settings, as the rules give them (validated by the window plugin's schema).
    nlohmann::json offices = nlohmann::json::array();
    if (const auto* window = p->enabled_channel("window"); window && window->settings.contains("offices"))
      for (const auto& o : window->settings["offices"]) {
        if (!o.is_object()) continue;
        nlohmann::json office;
        for (const char* k : {"id", "name", "name_en", "address", "address_en", "opening_hours", "opening_hours_en"})
          office[k] = o.value(k, "");
        offices.push_back(office);
      }
    return ok({{"province", p->code},
               {"hotline", p->help.hotline},
               {"hotline_hours", p->help.hotline_hours},
               {"hotline_hours_en", p->help.hotline_hours_en},
               {"consultation_url", p->help.consultation_url},
               {"offices", offices},
               {"faq", faq}});
  });

  router.add("GET", "/api/v1/provinces/{province}/load", [&ctx](sdk::HttpRequest& req) {
    auto snap = ctx.hub.rules().current();
    const auto* p = snap->province(req.params["province"]);
    if (!p) return error_response({"PROVINCE_NOT_FOUND", "No such province.", "没有该省份。", "province"});
    const auto now = ctx.hub.clock().now();
    const std::int64_t depth = ctx.hub.jobs.depth();
    nlohmann::json current = nullptr;
    TimePoint quiet_from = now;
    // Peaks are ordered by start; overlapping or touching windows extend the busy stretch.
    for (const auto& w : p->peaks) {
      if (w.start <= quiet_from && quiet_from < w.end) {
        if (current.is_null())
          current = {{"label", w.label}, {"label_en", w.label_en}, {"start", format_time(w.start)},
                     {"end", format_time(w.end)}};
        quiet_from = w.end;
      }
    }
    nlohmann::json upcoming = nlohmann::json::array();
    for (const auto& w : p->peaks) {
      if (w.start > now && upcoming.size() < 3)
        upcoming.push_back({{"label", w.label}, {"label_en", w.label_en}, {"start", format_time(w.start)},
                            {"end", format_time(w.end)}});
    }
    const bool peak = !current.is_null();
    const bool queue_busy = depth >= kBusyQueueDepth;
    nlohmann::json body = {{"province", p->code},
                           {"busy", peak || queue_busy},
                           {"queue_depth", depth},
                           {"queue_busy", queue_busy},
                           {"peak_window", current},
                           {"upcoming_peaks", upcoming}};
    if (peak) {
      body["better_from"] = format_time(quiet_from);
      body["message"] = "This is a busy period; verification may be slower. A quieter time starts at " +
                        format_time(quiet_from) + ".";
      body["message_zh"] = "当前为高峰期，认证可能较慢。建议在 " + format_time(quiet_from) + " 之后办理。";
    } else if (queue_busy) {
      body["message"] = "Many verifications are waiting right now; please try again later.";
      body["message_zh"] = "当前排队认证较多，请稍后再试。";
    } else {
      body["message"] = "Now is a good time.";
      body["message_zh"] = "当前不拥挤，可以办理。";
    }
    return ok(body);
  });
}

}  // namespace shiming::api
