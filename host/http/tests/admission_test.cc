// Admission decisions without a server: route classes, token buckets, host
// limits and Retry-After values. Time is passed in (no clock, no sleeps).
#include "http/admission.h"

#include <gtest/gtest.h>

namespace shiming::http {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

const std::vector<std::pair<std::string, std::string>> kRoutes = {
    {"GET", "/healthz"},                              // 0 exempt
    {"GET", "/api/v1/cases/{id}"},                    // 1 light
    {"PUT", "/api/v1/cases/{id}/documents/{kind}"},   // 2 heavy
    {"POST", "/api/v1/channels/bank/submissions"},    // 3 heavy by prefix
    {"GET", "/api/v1/channels/bank/submissions/{id}"},  // 4 light (method differs)
};

AdmissionOptions options() {
  AdmissionOptions o;
  o.enabled = true;
  o.client_rate = 2;
  o.client_burst = 4;
  o.heavy_cost = 2;
  o.exempt_routes = {"GET /healthz"};
  o.heavy_routes = {"PUT /api/v1/cases/{id}/documents/{kind}", "POST /api/v1/channels/*"};
  return o;
}

TEST(Admission, RouteClassesFromConfig) {
  Metrics m;
  Admission a(options(), kRoutes, m);
  EXPECT_EQ(a.route_class(0), AdmissionClass::exempt);
  EXPECT_EQ(a.route_class(1), AdmissionClass::light);
  EXPECT_EQ(a.route_class(2), AdmissionClass::heavy);
  EXPECT_EQ(a.route_class(3), AdmissionClass::heavy);
  EXPECT_EQ(a.route_class(4), AdmissionClass::light);
}

TEST(Admission, TokenBucketPerClientWithRetryAfter) {
  Metrics m;
  Admission a(options(), kRoutes, m);
  const std::int64_t t0 = 100 * kSecond;
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(a.admit(1, "tok-a", "10.0.0.1", "", t0).admitted) << i;
  auto v = a.admit(1, "tok-a", "10.0.0.1", "", t0);
  EXPECT_FALSE(v.admitted);
  EXPECT_EQ(v.status, 429);
  EXPECT_EQ(v.error.code, "RATE_LIMITED");
  EXPECT_EQ(v.retry_after, 1);  // one token at 2 a second: 0.5 s, rounded up
  EXPECT_FALSE(v.error.message_zh.empty());
  auto r = Admission::response(v);
  EXPECT_EQ(r.status, 429);
  bool has_retry_after = false;
  for (const auto& [k, val] : r.headers) has_retry_after |= k == "Retry-After" && val == "1";
  EXPECT_TRUE(has_retry_after);
  // Another token from the same address has its own budget; so has an anonymous client.
  EXPECT_TRUE(a.admit(1, "tok-b", "10.0.0.1", "", t0).admitted);
  EXPECT_TRUE(a.admit(1, "", "10.0.0.1", "", t0).admitted);
  // Exempt routes are never limited.
  EXPECT_TRUE(a.admit(0, "tok-a", "10.0.0.1", "", t0).admitted);
  // Half a second later one token is back.
  EXPECT_TRUE(a.admit(1, "tok-a", "10.0.0.1", "", t0 + kSecond / 2).admitted);
  EXPECT_FALSE(a.admit(1, "tok-a", "10.0.0.1", "", t0 + kSecond / 2).admitted);
  EXPECT_EQ(m.counter_value("shiming_admission_rejected_total", {{"reason", "client_rate"}}), 2);
}

TEST(Admission, HeavyRequestsCostMoreAndWaitLonger) {
  Metrics m;
  auto o = options();
  o.heavy_cost = 3;
  Admission a(o, kRoutes, m);
  EXPECT_TRUE(a.admit(2, "tok", "ip", "", 0).admitted);  // 4 -> 1
  auto v = a.admit(2, "tok", "ip", "", 0);
  EXPECT_FALSE(v.admitted);
  EXPECT_EQ(v.retry_after, 1);  // needs 2 more tokens at 2 a second
  EXPECT_TRUE(a.admit(1, "tok", "ip", "", 0).admitted);  // a light one still fits
}

TEST(Admission, ForwardedAddressIdentifiesAnonymousClients) {
  Metrics m;
  Admission a(options(), kRoutes, m);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(a.admit(1, "", "127.0.0.1", "203.0.113.7", 0).admitted);
  EXPECT_FALSE(a.admit(1, "", "127.0.0.1", "203.0.113.7", 0).admitted);
  EXPECT_TRUE(a.admit(1, "", "127.0.0.1", "203.0.113.8", 0).admitted);
}

TEST(Admission, InFlightLimitHoldsSlotsUntilReleased) {
  Metrics m;
  auto o = options();
  o.client_rate = 0;  // host limits only
  o.max_in_flight_heavy = 2;
  Admission a(o, kRoutes, m);
  auto first = a.admit(2, "a", "ip", "", 0);
  auto second = a.admit(3, "b", "ip", "", 0);
  ASSERT_TRUE(first.admitted);
  ASSERT_TRUE(second.admitted);
  EXPECT_EQ(a.in_flight_heavy(), 2);
  auto third = a.admit(2, "c", "ip", "", 0);
  EXPECT_FALSE(third.admitted);
  EXPECT_EQ(third.status, 503);
  EXPECT_EQ(third.error.code, "HOST_BUSY");
  EXPECT_EQ(a.in_flight_heavy(), 2);
  EXPECT_TRUE(a.admit(1, "c", "ip", "", 0).admitted);  // light requests are not counted
  first.slot.release();
  EXPECT_EQ(a.in_flight_heavy(), 1);
  { auto again = a.admit(2, "c", "ip", "", 0); EXPECT_TRUE(again.admitted); }
  EXPECT_EQ(a.in_flight_heavy(), 1);  // released when the verdict (its slot) went away
}

TEST(Admission, OneClientsHeavyRequestsAreLimitedWhileOthersAreServed) {
  Metrics m;
  auto o = options();
  o.client_rate = 0;
  o.max_in_flight_heavy = 10;
  o.client_max_in_flight_heavy = 2;
  Admission a(o, kRoutes, m);
  auto first = a.admit(2, "citizen", "ip", "", 0);
  auto second = a.admit(3, "citizen", "ip", "", 0);
  ASSERT_TRUE(first.admitted);
  ASSERT_TRUE(second.admitted);
  auto third = a.admit(2, "citizen", "ip", "", 0);
  EXPECT_FALSE(third.admitted);
  EXPECT_EQ(third.status, 429);
  EXPECT_EQ(third.error.code, "CLIENT_BUSY");
  EXPECT_GT(third.retry_after, 0);
  EXPECT_FALSE(third.error.message_zh.empty());
  EXPECT_EQ(a.in_flight_heavy(), 2);  // the refused one holds no host slot
  EXPECT_TRUE(a.admit(2, "other", "ip", "", 0).admitted);    // another token, same address
  EXPECT_TRUE(a.admit(1, "citizen", "ip", "", 0).admitted);  // light requests are not counted
  // Anonymous clients are told apart by address.
  auto anon1 = a.admit(2, "", "198.51.100.1", "", 0);
  auto anon2 = a.admit(2, "", "198.51.100.1", "", 0);
  ASSERT_TRUE(anon1.admitted && anon2.admitted);
  EXPECT_FALSE(a.admit(2, "", "198.51.100.1", "", 0).admitted);
  EXPECT_TRUE(a.admit(2, "", "198.51.100.2", "", 0).admitted);
  // A finished request frees its client's place; sweeping keeps the counts of those still running.
  first.slot.release();
  a.sweep(1);
  auto fourth = a.admit(2, "citizen", "ip", "", 0);
  EXPECT_TRUE(fourth.admitted);
  EXPECT_FALSE(a.admit(2, "citizen", "ip", "", 0).admitted);
  second.slot.release();
  fourth.slot.release();
  a.sweep(2);
  EXPECT_TRUE(a.admit(2, "citizen", "ip", "", 0).admitted);
}

TEST(Admission, QueueDepthLimitEstimatesTheWait) {
  Metrics m;
  auto o = options();
  o.client_rate = 0;
  o.max_queue_depth = 10;
  o.seconds_per_job = 4;
  o.workers = 2;
  o.queue_sample = std::chrono::milliseconds(0);
  std::int64_t depth = 9;
  o.queue_depth = [&depth] { return depth; };
  Admission a(o, kRoutes, m);
  EXPECT_TRUE(a.admit(2, "a", "ip", "", 1).admitted);
  depth = 14;
  auto v = a.admit(2, "a", "ip", "", 2);
  EXPECT_FALSE(v.admitted);
  EXPECT_EQ(v.status, 503);
  EXPECT_EQ(v.error.code, "QUEUE_FULL");
  EXPECT_EQ(v.retry_after, 10);  // (14 - 10 + 1) jobs x 4 s / 2 workers
  EXPECT_TRUE(a.admit(1, "a", "ip", "", 3).admitted);  // light: no queue limit
  EXPECT_EQ(a.in_flight_heavy(), 0);
}

TEST(Admission, QueueDepthIsSampledNotReadPerRequest) {
  Metrics m;
  auto o = options();
  o.client_rate = 0;
  o.max_queue_depth = 10;
  o.queue_sample = std::chrono::milliseconds(1000);
  int reads = 0;
  o.queue_depth = [&reads] {
    ++reads;
    return std::int64_t{0};
  };
  Admission a(o, kRoutes, m);
  for (int i = 0; i < 50; ++i) a.admit(2, "a", "ip", "", kSecond + i * 1'000'000);  // 50 ms
  EXPECT_EQ(reads, 1);
  a.admit(2, "a", "ip", "", 2 * kSecond + 1);
  EXPECT_EQ(reads, 2);
}

TEST(Admission, SweepForgetsRefilledClients) {
  Metrics m;
  Admission a(options(), kRoutes, m);
  a.admit(1, "a", "ip", "", 0);
  a.admit(1, "b", "ip", "", 0);
  a.admit(1, "b", "ip", "", 0);
  a.admit(1, "b", "ip", "", 0);
  EXPECT_EQ(a.tracked_clients(), 2u);
  a.sweep(kSecond / 2);  // a: 3 + 1 = 4 (full); b: 1 + 1 = 2
  EXPECT_EQ(a.tracked_clients(), 1u);
  a.sweep(2 * kSecond);
  EXPECT_EQ(a.tracked_clients(), 0u);
}

TEST(Admission, ATokenBeyondTheTableCountsAgainstItsAddress) {
  Metrics m;
  auto o = options();
  o.max_clients = 1;
  Admission a(o, kRoutes, m);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(a.admit(1, "known", "10.0.0.1", "", 0).admitted);
  EXPECT_EQ(a.tracked_clients(), 1u);
  // The table is full: new tokens from 10.0.0.2 share that address's budget of 4.
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(a.admit(1, "new-" + std::to_string(i), "10.0.0.2", "", 0).admitted) << i;
  EXPECT_FALSE(a.admit(1, "new-9", "10.0.0.2", "", 0).admitted);
  // The known token keeps its own bucket (one left) and is not charged to its address too.
  EXPECT_TRUE(a.admit(1, "known", "10.0.0.2", "", 0).admitted);
  EXPECT_FALSE(a.admit(1, "known", "10.0.0.2", "", 0).admitted);
}

TEST(Admission, DisabledAdmitsEverything) {
  Metrics m;
  auto o = options();
  o.enabled = false;
  Admission a(o, kRoutes, m);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(a.admit(2, "a", "ip", "", 0).admitted);
}

TEST(Admission, OptionsFromJson) {
  auto o = AdmissionOptions::from_json({{"enabled", true}, {"client_rate", 7.5}, {"max_queue_depth", 3},
                                        {"queue_sample_ms", 250}, {"heavy_routes", {"POST /x"}}});
  EXPECT_TRUE(o.enabled);
  EXPECT_DOUBLE_EQ(o.client_rate, 7.5);
  EXPECT_EQ(o.max_queue_depth, 3);
  EXPECT_EQ(o.queue_sample.count(), 250);
  ASSERT_EQ(o.heavy_routes.size(), 1u);
  EXPECT_EQ(o.client_burst, 60);  // default kept
}

}  // namespace
}  // namespace shiming::http
