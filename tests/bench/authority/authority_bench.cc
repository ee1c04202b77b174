// authority_bench: N checks through the real libauthority.so against the
// simulator at K in flight, with a share of injected 503s. Prints throughput,
// latency percentiles, retries and breaker openings.
//
//   authority_bench [--checks 2000] [--in-flight 50] [--unavailable-share 0.1] [--photo-every 0]
//
// --photo-every P sends the live photo on every P-th check (0: never). With
// photos the simulator's face comparison (on its I/O threads, descriptor
// serialised) becomes the bottleneck and the figures measure it, not the plugin.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "testing/sim_test_env.h"

using namespace shiming;
using namespace shiming::authority_sim::testing;

int main(int argc, char** argv) {
  int checks = 2000, in_flight = 50, photo_every = 0;
  double unavailable = 0.1;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--checks") checks = std::atoi(argv[i + 1]);
    else if (a == "--in-flight") in_flight = std::atoi(argv[i + 1]);
    else if (a == "--unavailable-share") unavailable = std::atof(argv[i + 1]);
    else if (a == "--photo-every") photo_every = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: authority_bench [--checks N] [--in-flight K] [--unavailable-share S] [--photo-every P]\n");
      return 2;
    }
  }
  if (checks < 1 || in_flight < 1 || unavailable < 0 || unavailable > 1) return 2;

  try {
    SimEnv env;
    env.set_faults({{"unavailable_share", unavailable}});
    LoadedPlugin plugin;
    // Production defaults of the step (backoff 200..2000 ms, 3 attempts,
    // breaker at 5 consecutive failures for 30 s).
    nlohmann::json params = env.params();
    for (const char* k : {"connect_timeout_ms", "total_timeout_ms", "max_attempts", "backoff_base_ms",
                          "backoff_cap_ms", "breaker_failure_threshold", "breaker_open_seconds"})
      params.erase(k);

    std::atomic<int> next{0};
    std::mutex mu;
    std::vector<double> latencies_ms;
    latencies_ms.reserve(checks);
    std::map<std::string, int> outcomes;
    long long retries = 0, attempts = 0, breaker_openings = 0;

    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> workers;
    for (int w = 0; w < in_flight; ++w)
      workers.emplace_back([&] {
        for (int i; (i = next.fetch_add(1)) < checks;) {
          const bool photo = photo_every > 0 && i % photo_every == 0;
          auto ctx = photo ? make_case(params, kZhangName, kZhangId, env.portrait_file)
                           : make_case(params, kLiName, kLiId);
          const auto s = std::chrono::steady_clock::now();
          auto f = plugin.verifier->verify(*ctx);
          const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s).count();
          std::lock_guard lock(mu);
          latencies_ms.push_back(ms);
          ++outcomes[sdk::to_string(f.outcome)];
          retries += f.details.value("retries", 0);
          attempts += f.details.value("attempts", 0);
          if (f.details.value("breaker_opened", false)) ++breaker_openings;
        }
      });
    for (auto& t : workers) t.join();
    const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    std::sort(latencies_ms.begin(), latencies_ms.end());
    auto pct = [&](double p) {
      std::size_t idx = static_cast<std::size_t>(p * (latencies_ms.size() - 1) + 0.5);
      return latencies_ms[idx];
    };
    const auto& st = env.sim->stats();
    std::printf("authority_bench: %d checks, %d in flight, %.0f%% injected 503s, photo every %d (0: none)\n",
                checks, in_flight, unavailable * 100, photo_every);
    std::printf("wall time        %.2f s\n", wall_s);
    std::printf("throughput       %.1f checks/s\n", checks / wall_s);
    std::printf("latency p50      %.1f ms\n", pct(0.50));
    std::printf("latency p99      %.1f ms\n", pct(0.99));
    std::printf("latency max      %.1f ms\n", latencies_ms.back());
    std::printf("attempts         %lld (retries %lld)\n", attempts, retries);
    std::printf("breaker openings %lld\n", breaker_openings);
    std::printf("outcomes        ");
    for (const auto& [k, v] : outcomes) std::printf(" %s=%d", k.c_str(), v);
    std::printf("\nsimulator        requests=%llu injected_503=%llu\n",
                static_cast<unsigned long long>(st.requests.load()),
                static_cast<unsigned long long>(st.injected_unavailable.load()));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "authority_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
