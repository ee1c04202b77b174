#include "http/metrics.h"

#include <thread>

#include <gtest/gtest.h>

namespace shiming::http {
namespace {

using std::chrono::milliseconds;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(Metrics, RequestCountersAndHistogram) {
  Metrics m;
  auto& r = m.route("GET", "/api/v1/cases/{id}");
  r.observe(200, milliseconds(3));
  r.observe(200, milliseconds(30));
  r.observe(404, milliseconds(2000));
  EXPECT_EQ(r.count(200), 2u);
  EXPECT_EQ(&m.route("GET", "/api/v1/cases/{id}"), &r);  // stable, not duplicated

  const std::string text = m.render();
  EXPECT_TRUE(contains(text, "# TYPE shiming_http_requests_total counter\n"));
  EXPECT_TRUE(contains(text, "shiming_http_requests_total{method=\"GET\",route=\"/api/v1/cases/{id}\",status=\"200\"} 2\n"));
  EXPECT_TRUE(contains(text, "shiming_http_requests_total{method=\"GET\",route=\"/api/v1/cases/{id}\",status=\"404\"} 1\n"));
  EXPECT_TRUE(contains(text, "# TYPE shiming_http_request_duration_seconds histogram\n"));
  // Cumulative buckets: 3 ms in le=0.005; 30 ms first in le=0.05; 2 s first in le=2.5.
  const std::string prefix = "shiming_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/cases/{id}\",le=\"";
  EXPECT_TRUE(contains(text, prefix + "0.005\"} 1\n")) << text;
  EXPECT_TRUE(contains(text, prefix + "0.025\"} 1\n")) << text;
  EXPECT_TRUE(contains(text, prefix + "0.05\"} 2\n")) << text;
  EXPECT_TRUE(contains(text, prefix + "1\"} 2\n")) << text;
  EXPECT_TRUE(contains(text, prefix + "2.5\"} 3\n")) << text;
  EXPECT_TRUE(contains(text, prefix + "+Inf\"} 3\n")) << text;
  EXPECT_TRUE(contains(text, "shiming_http_request_duration_seconds_count{method=\"GET\",route=\"/api/v1/cases/{id}\"} 3\n"));
  EXPECT_TRUE(contains(text, "shiming_http_request_duration_seconds_sum{method=\"GET\",route=\"/api/v1/cases/{id}\"} 2.033"));
}

TEST(Metrics, CountersWithLabelsAndEscaping) {
  Metrics m;
  m.counter_add("shiming_jobs_total", {{"outcome", "pass"}});
  m.counter_add("shiming_jobs_total", {{"outcome", "pass"}}, 2);
  m.counter_add("shiming_jobs_total", {{"outcome", "say \"hi\"\\\n"}});
  EXPECT_EQ(m.counter_value("shiming_jobs_total", {{"outcome", "pass"}}), 3);
  EXPECT_EQ(m.counter_value("shiming_jobs_total", {{"outcome", "fail"}}), 0);
  const std::string text = m.render();
  EXPECT_TRUE(contains(text, "# TYPE shiming_jobs_total counter\n"));
  EXPECT_TRUE(contains(text, "shiming_jobs_total{outcome=\"pass\"} 3\n"));
  EXPECT_TRUE(contains(text, "shiming_jobs_total{outcome=\"say \\\"hi\\\"\\\\\\n\"} 1\n")) << text;
}

TEST(Metrics, InvalidNamesThrow) {
  Metrics m;
  EXPECT_THROW(m.counter_add("bad-name", {}), std::invalid_argument);
  EXPECT_THROW(m.counter_add("1abc", {}), std::invalid_argument);
  EXPECT_THROW(m.counter_add("ok_name", {{"bad label", "x"}}), std::invalid_argument);
  EXPECT_THROW(m.counter_add("ok_name", {{"__reserved", "x"}}), std::invalid_argument);
  EXPECT_THROW(m.gauge_fn("no spaces", "h", [] { return 1.0; }), std::invalid_argument);
}

TEST(Metrics, GaugeFunctionsAreReadAtRender) {
  Metrics m;
  double depth = 4;
  m.gauge_fn("shiming_job_queue_depth", "Jobs waiting.", [&depth] { return depth; });
  EXPECT_TRUE(contains(m.render(), "# HELP shiming_job_queue_depth Jobs waiting.\n# TYPE shiming_job_queue_depth gauge\nshiming_job_queue_depth 4\n"));
  depth = 7.5;
  EXPECT_TRUE(contains(m.render(), "shiming_job_queue_depth 7.5\n"));
  // A gauge may itself use the Metrics (no deadlock), and a throwing one renders NaN.
  m.gauge_fn("shiming_self", "Reads a counter.", [&m] { return m.counter_value("x_total", {}); });
  m.gauge_fn("shiming_broken", "Throws.", []() -> double { throw std::runtime_error("db down"); });
  const std::string text = m.render();
  EXPECT_TRUE(contains(text, "shiming_self 0\n"));
  EXPECT_TRUE(contains(text, "shiming_broken NaN\n"));
  m.remove_gauge("shiming_broken");
  EXPECT_FALSE(contains(m.render(), "shiming_broken"));
}

TEST(Metrics, ConcurrentObservationsAreAllCounted) {
  Metrics m;
  auto& r = m.route("POST", "/x");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&r] {
      for (int i = 0; i < 10000; ++i) r.observe(201, milliseconds(1));
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(r.count(201), 40000u);
  EXPECT_TRUE(contains(m.render(), "status=\"201\"} 40000\n"));
}

}  // namespace
}  // namespace shiming::http
