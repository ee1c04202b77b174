#pragma once
// How long a staff account must wait after failed logins. The first few
// mistakes cost nothing; then each failure doubles the wait, and after
// `lock_after` failures the account is locked for `lock_for`.
#include <chrono>

namespace shiming {

struct LoginThrottlePolicy {
  int free_attempts = 3;
  int lock_after = 10;
  std::chrono::seconds base_delay{2};
  std::chrono::seconds lock_for{15 * 60};
};

// The wait imposed after the `failures`-th consecutive failure.
std::chrono::seconds wait_after_failures(int failures, const LoginThrottlePolicy& policy = {});

}  // namespace shiming
