#include "core/login_throttle.h"

#include <algorithm>

namespace shiming {

std::chrono::seconds wait_after_failures(int failures, const LoginThrottlePolicy& p) {
  if (failures <= p.free_attempts) return std::chrono::seconds(0);
  if (failures >= p.lock_after) return p.lock_for;
  int exponent = std::min(failures - p.free_attempts - 1, 20);
  auto wait = p.base_delay * (1LL << exponent);
  return std::min<std::chrono::seconds>(wait, p.lock_for);
}

}  // namespace shiming
