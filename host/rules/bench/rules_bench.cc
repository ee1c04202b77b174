// rules_bench [RULES_DIR]: how long loading/validating the province rules
// takes (a reload), how cheap a request's snapshot is, and the working-day
// arithmetic. Plugin schemas are permissive stand-ins (open objects), so the
// figures cover the rules engine, not any plugin.
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "rules/rules_registry.h"

using namespace shiming;
using namespace shiming::rules;
using Clock = std::chrono::steady_clock;

namespace {

double ns_per(Clock::duration d, long n) {
  return std::chrono::duration<double, std::nano>(d).count() / double(n);
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : std::string(SHIMING_SOURCE_DIR) + "/config/provinces";
  PluginInfo verifier{.kind = "verifier"}, channel{.kind = "channel"};
  for (PluginInfo* p : {&verifier, &channel}) {
    p->schemas.rules.fields.push_back(
        sdk::ConfigField{.name = "unused", .type = sdk::FieldType::boolean, .default_value = false});
  }
  // Stand-in schemas refuse unknown keys like real ones; accept the sample's keys.
  for (const char* k : {"face_required", "liveness_required"}) {
    channel.schemas.rules.fields.push_back(
        sdk::ConfigField{.name = k, .type = sdk::FieldType::boolean, .default_value = false});
  }
  verifier.schemas.rules.fields.push_back(sdk::ConfigField{.name = "unknown_region"});
  PluginLookup lookup = [&](const std::string& name) -> const PluginInfo* {
    if (name == "id_number") return &verifier;
    if (name == "online") return &channel;
    return nullptr;
  };

  RulesRegistry registry(dir, lookup);
  ReloadResult first = registry.reload();
  if (!first.ok) {
    std::fprintf(stderr, "%s", format_diagnostics(first.diagnostics).c_str());
    return 1;
  }
  const int reloads = 200;
  auto t0 = Clock::now();
  for (int i = 0; i < reloads; ++i) {
    if (!registry.reload().ok) return 1;
  }
  double reload_ms = ns_per(Clock::now() - t0, reloads) / 1e6;
  std::printf("reload (load + validate %zu provinces): %.3f ms\n", first.provinces, reload_ms);

  const long reads = 2'000'000;
  for (int threads : {1, 2}) {
    std::vector<std::thread> pool;
    t0 = Clock::now();
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&] {
        for (long i = 0; i < reads; ++i) {
          auto s = registry.current();
          if (!s->province("beijing")) std::abort();
        }
      });
    }
    for (auto& t : pool) t.join();
    std::printf("current() + province lookup, %d thread(s): %.1f ns/op per thread\n", threads,
                ns_per(Clock::now() - t0, reads));
  }

  const ProvinceRules& bj = *registry.current()->province("beijing");
  TimePoint start = *parse_time("2026-09-28T10:00:00+08:00");
  const long sla = 1'000'000;
  long sink = 0;
  t0 = Clock::now();
  for (long i = 0; i < sla; ++i) {
    sink += bj.calendar.add_working_days(start + std::chrono::hours(i % 48), 5).time_since_epoch().count() & 1;
  }
  std::printf("Calendar::add_working_days(5) across National Day: %.1f ns/op (%ld)\n",
              ns_per(Clock::now() - t0, sla), sink);
  return 0;
}
