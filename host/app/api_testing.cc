// Routes for test hosts (host.yaml `testing:`, started with --allow-testing).
//   GET /api/v1/testing/clock   the host's time and its offset from the system clock
//   PUT /api/v1/testing/clock   {"time": ISO-8601} | {"offset_seconds": N} | {"advance_seconds": N}
// Admins only. Without testing.settable_clock both answer 404 TESTING_DISABLED,
// so a production host has no way to move its clock.
#include "app/api_util.h"
#include "common/dates.h"
#include "core/json_body.h"

namespace shiming::api {
namespace {

sdk::HttpResponse disabled() {
  return sdk::HttpResponse::error(
      404, {"TESTING_DISABLED",
            "This host has no settable clock (host.yaml testing.settable_clock with --allow-testing).",
            "本主机未开启可调时钟（需在 host.yaml 设置 testing.settable_clock 并以 --allow-testing 启动）。",
            ""});
}

nlohmann::json clock_json(SettableClock& clock) {
  auto offset = std::chrono::duration_cast<std::chrono::milliseconds>(clock.offset()).count();
  return {{"now", format_time(clock.now())}, {"offset_seconds", static_cast<double>(offset) / 1000.0}};
}

}  // namespace

void register_testing_routes(http::Router& router, ApiContext& ctx) {
  router.add("GET", "/api/v1/testing/clock", [&ctx](sdk::HttpRequest& req) {
    sdk::HttpResponse denied;
    if (!authorize(ctx, req, {"admin"}, denied)) return denied;
    SettableClock* clock = ctx.hub.settable_clock();
    if (!clock) return disabled();
    return ok(clock_json(*clock));
  });

  router.add("PUT", "/api/v1/testing/clock", [&ctx](sdk::HttpRequest& req) {
    sdk::HttpResponse denied;
    if (!authorize(ctx, req, {"admin"}, denied)) return denied;
    SettableClock* clock = ctx.hub.settable_clock();
    if (!clock) return disabled();
    using V = nlohmann::json::value_t;
    auto body = parse_body(req.body, {{"time", V::string, false, 40},
                                      {"offset_seconds", V::number_integer, false},
                                      {"advance_seconds", V::number_integer, false}});
    if (!body) return error_response(body.error());
    const nlohmann::json& b = *body;
    int given = static_cast<int>(b.contains("time")) + static_cast<int>(b.contains("offset_seconds")) +
                static_cast<int>(b.contains("advance_seconds"));
    if (given != 1)
      return sdk::HttpResponse::error(
          400, {"CLOCK_REQUEST_INVALID",
                "Give exactly one of 'time' (ISO 8601), 'offset_seconds' or 'advance_seconds'.",
                "请只提供 time（ISO 8601 时间）、offset_seconds 或 advance_seconds 其中之一。", ""});
    // A year either way is plenty for deadline tests and keeps the arithmetic far from overflow.
    constexpr long long kLimit = 10LL * 366 * 86400;
    auto out_of_range = [] {
      return sdk::HttpResponse::error(
          400, {"CLOCK_OUT_OF_RANGE", "The clock may move at most ten years from the system time.",
                "时钟最多只能偏离系统时间十年。", ""});
    };
    auto before = clock->now();
    if (b.contains("time")) {
      auto t = parse_time(b["time"].get<std::string>());
      if (!t)
        return sdk::HttpResponse::error(
            400, {"TIME_INVALID", "'time' must be ISO 8601, e.g. 2027-05-20T08:00:00Z or 2027-05-20T16:00:00+08:00.",
                  "time 须为 ISO 8601 时间，例如 2027-05-20T08:00:00Z。", "time"});
      auto delta = std::chrono::duration_cast<std::chrono::seconds>(*t - std::chrono::system_clock::now()).count();
      if (delta > kLimit || delta < -kLimit) return out_of_range();
      clock->set_now(*t);
    } else {
      long long seconds = b.contains("offset_seconds") ? b["offset_seconds"].get<long long>()
                                                       : b["advance_seconds"].get<long long>();
      if (seconds > kLimit || seconds < -kLimit) return out_of_range();
      auto offset = b.contains("offset_seconds")
                        ? std::chrono::nanoseconds(std::chrono::seconds(seconds))
                        : clock->offset() + std::chrono::seconds(seconds);
      if (std::chrono::duration_cast<std::chrono::seconds>(offset).count() > kLimit ||
          std::chrono::duration_cast<std::chrono::seconds>(offset).count() < -kLimit)
        return out_of_range();
      clock->set_offset(offset);
    }
    log_event(spdlog::level::warn, "test clock moved",
              {{"by", req.actor.display}, {"from", format_time(before)}, {"to", format_time(clock->now())}});
    return ok(clock_json(*clock));
  });
}

}  // namespace shiming::api
