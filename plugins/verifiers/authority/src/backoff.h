#pragma once
// Exponential backoff with full jitter: the wait before retry n (n >= 1) is
// uniform in [0, min(cap, base * 2^(n-1))]. Thread-safe (per-thread RNG).
#include <chrono>

namespace shiming::authority {

struct BackoffPolicy {
  std::chrono::milliseconds base{200};
  std::chrono::milliseconds cap{2'000};

  std::chrono::milliseconds ceiling(int retry) const;  // the upper bound for retry n
  std::chrono::milliseconds delay(int retry) const;    // a jittered wait
};

}  // namespace shiming::authority
