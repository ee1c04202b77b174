#include <set>

#include <gtest/gtest.h>

#include "backoff.h"
#include "circuit_breaker.h"

namespace shiming::authority {
namespace {

using namespace std::chrono_literals;
using State = CircuitBreaker::State;

TEST(CircuitBreaker, OpensOnFailuresWithinTheWindow) {
  CircuitBreaker b({3, 10s, 1, 5});
  const auto t = std::chrono::system_clock::time_point{} + 1000s;
  EXPECT_FALSE(b.on_failure(b.acquire(t), t));
  EXPECT_FALSE(b.on_failure(b.acquire(t), t));
  for (int i = 0; i < 3; ++i) b.on_success(b.acquire(t));  // window: F F S S S
  b.on_success(b.acquire(t));                              // window: F S S S S
  EXPECT_FALSE(b.on_failure(b.acquire(t), t));              // window: S S S S F
  EXPECT_FALSE(b.on_failure(b.acquire(t), t));              // window: S S S F F
  EXPECT_EQ(b.state(t), State::closed);
  EXPECT_TRUE(b.on_failure(b.acquire(t), t));               // window: S S F F F
  EXPECT_EQ(b.state(t), State::open);
  EXPECT_EQ(b.openings(), 1u);
  auto refused = b.acquire(t + 4s);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_in, 6s);
}

TEST(CircuitBreaker, ScatteredFailuresDoNotOpenIt) {
  CircuitBreaker b({10, 10s, 1, 20});
  const auto t = std::chrono::system_clock::time_point{} + 1000s;
  for (int i = 0; i < 1000; ++i) {
    auto p = b.acquire(t);
    ASSERT_TRUE(p.allowed);
    if (i % 3 == 0) EXPECT_FALSE(b.on_failure(p, t));  // a third of calls fail
    else b.on_success(p);
  }
  EXPECT_EQ(b.openings(), 0u);
}

TEST(CircuitBreaker, HalfOpenLetsOneProbeThrough) {
  CircuitBreaker b({1, 10s, 1, 20});
  const auto t = std::chrono::system_clock::time_point{} + 1000s;
  EXPECT_TRUE(b.on_failure(b.acquire(t), t));
  EXPECT_EQ(b.state(t + 10s), State::half_open);
  auto probe = b.acquire(t + 10s);
  EXPECT_TRUE(probe.allowed);
  EXPECT_TRUE(probe.probe);
  EXPECT_FALSE(b.acquire(t + 10s).allowed);  // a second caller waits for the probe
  EXPECT_TRUE(b.on_failure(probe, t + 11s));   // probe failed: open again
  EXPECT_EQ(b.openings(), 2u);
  EXPECT_FALSE(b.acquire(t + 20s).allowed);
  auto probe2 = b.acquire(t + 21s);
  ASSERT_TRUE(probe2.allowed);
  b.on_success(probe2);
  EXPECT_EQ(b.state(t + 21s), State::closed);
  EXPECT_TRUE(b.acquire(t + 21s).allowed);
}

TEST(CircuitBreaker, LateFailuresWhileOpenDoNotReopen) {
  CircuitBreaker b({2, 10s, 1, 20});
  const auto t = std::chrono::system_clock::time_point{} + 1000s;
  auto p1 = b.acquire(t), p2 = b.acquire(t), p3 = b.acquire(t);
  b.on_failure(p1, t);
  EXPECT_TRUE(b.on_failure(p2, t));
  EXPECT_FALSE(b.on_failure(p3, t + 1s));
  EXPECT_EQ(b.openings(), 1u);
}

TEST(Backoff, CeilingDoublesUpToTheCap) {
  BackoffPolicy p{100ms, 1000ms};
  EXPECT_EQ(p.ceiling(1), 100ms);
  EXPECT_EQ(p.ceiling(2), 200ms);
  EXPECT_EQ(p.ceiling(3), 400ms);
  EXPECT_EQ(p.ceiling(5), 1000ms);
  EXPECT_EQ(p.ceiling(60), 1000ms);
}

TEST(Backoff, JitterStaysWithinTheCeilingAndVaries) {
  BackoffPolicy p{100ms, 1000ms};
  std::set<long long> seen;
  for (int i = 0; i < 500; ++i) {
    auto d = p.delay(3);
    EXPECT_GE(d.count(), 0);
    EXPECT_LE(d, 400ms);
    seen.insert(d.count());
  }
  EXPECT_GT(seen.size(), 50u);
}

}  // namespace
}  // namespace shiming::authority
