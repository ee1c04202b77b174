#pragma once
// Prometheus metrics for the host. Beast-free and thread-safe.
//
// Hot path: the server resolves one RouteMetrics per route at start-up and then
// only touches atomics (no lock per request). counter_add() and gauge_fn() take a
// mutex and are meant for lower-rate events (jobs, logins), not per-byte work.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace shiming::http {

// Request counters and a latency histogram of one (method, route pattern).
class RouteMetrics {
 public:
  // Prometheus' default buckets, in seconds.
  static constexpr std::array<double, 11> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                      0.5,   1.0,  2.5,   5.0,  10.0};
  RouteMetrics(std::string method, std::string pattern)
      : method_(std::move(method)), pattern_(std::move(pattern)) {}

  void observe(int status, std::chrono::nanoseconds duration);

  const std::string& method() const { return method_; }
  const std::string& pattern() const { return pattern_; }
  std::uint64_t count(int status) const;

 private:
  friend class Metrics;
  std::string method_;
  std::string pattern_;
  std::array<std::atomic<std::uint64_t>, 500> by_status_{};  // index status - 100
  std::array<std::atomic<std::uint64_t>, kBuckets.size()> buckets_{};  // non-cumulative
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_ns_{0};
};

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // The metrics of one route; created on first use, stable address for the
  // Metrics' lifetime. Unmatched requests use route("", "unmatched").
  RouteMetrics& route(std::string_view method, std::string_view pattern);

  // Adds `v` to counter `name` with `labels` (e.g. jobs_total{outcome="pass"}).
  // Throws std::invalid_argument if the name or a label name is not a valid
  // Prometheus identifier.
  void counter_add(std::string name, std::map<std::string, std::string> labels, double v = 1);
  // Current value of a counter (0 when never added); for tests and health pages.
  double counter_value(const std::string& name, const std::map<std::string, std::string>& labels) const;

  // A gauge read when metrics are rendered (queue depth...). Re-registering a
  // name replaces the function. The function must stay callable while this
  // Metrics lives, or be removed with remove_gauge().
  void gauge_fn(std::string name, std::string help, std::function<double()> fn);
  void remove_gauge(const std::string& name);

  // Open connections, maintained by the server.
  void connection_opened() { connections_.fetch_add(1, std::memory_order_relaxed); }
  void connection_closed() { connections_.fetch_sub(1, std::memory_order_relaxed); }

  // Prometheus text exposition format 0.0.4.
  std::string render() const;
  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

 private:
  struct Gauge {
    std::string help;
    std::function<double()> fn;
  };
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<RouteMetrics>> routes_;                          // guarded by mu_
  std::map<std::string, std::map<std::map<std::string, std::string>, double>> counters_;  // mu_
  std::map<std::string, Gauge> gauges_;                                        // guarded by mu_
  std::atomic<std::int64_t> connections_{0};
};

}  // namespace shiming::http
