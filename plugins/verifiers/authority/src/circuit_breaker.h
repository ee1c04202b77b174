#pragma once
// A circuit breaker for one authority endpoint. Thread-safe: verify() runs on
// several host workers at once and they share the breaker of an endpoint.
//
//   closed --(failure_threshold failures among the last `window` calls)--> open
//   open --(open_for elapsed)--> half_open: `half_open_probes` calls go through
//   half_open --probe succeeds--> closed ; --probe fails--> open again
//
// Time is passed in by the caller (the host's Clock), so tests need no sleeps.
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>

namespace shiming::authority {

class CircuitBreaker {
 public:
  using time_point = std::chrono::system_clock::time_point;
  enum class State { closed, open, half_open };

  struct Options {
    int failure_threshold = 10;
    std::chrono::milliseconds open_for{30'000};
    int half_open_probes = 1;
    int window = 20;  // a failure ratio, not a run: 10% errors from 50 workers
                      // must not open it, an outage must
  };

  struct Permit {
    bool allowed = true;
    std::chrono::milliseconds retry_in{0};  // when refused: until the breaker half-opens
    bool probe = false;                     // this call is a half-open probe
  };

  explicit CircuitBreaker(Options options) : options_(options) {}

  // Asks to send one call. Every allowed call must be followed by exactly one
  // on_success() or on_failure() with the permit.
  Permit acquire(time_point now);
  void on_success(const Permit& permit);
  // Returns true when this failure opened the breaker.
  bool on_failure(const Permit& permit, time_point now);

  State state(time_point now) const;
  std::uint64_t openings() const;

 private:
  void open_locked(time_point now);  // REQUIRES: mu_ held
  void record_locked(bool failure);  // REQUIRES: mu_ held

  const Options options_;
  mutable std::mutex mu_;
  State state_ = State::closed;       // guarded by mu_
  std::deque<bool> recent_;           // guarded by mu_: outcomes while closed, true = failure
  int recent_failures_ = 0;           // guarded by mu_
  int probes_in_flight_ = 0;          // guarded by mu_
  time_point opened_at_{};            // guarded by mu_
  std::uint64_t openings_ = 0;        // guarded by mu_
};

const char* to_string(CircuitBreaker::State s);

}  // namespace shiming::authority
