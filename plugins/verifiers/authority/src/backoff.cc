#include "backoff.h"

#include <algorithm>
#include <random>

namespace shiming::authority {

std::chrono::milliseconds BackoffPolicy::ceiling(int retry) const {
  if (retry < 1) retry = 1;
  long long ms = base.count();
  for (int i = 1; i < retry && ms < cap.count(); ++i) ms *= 2;
  return std::chrono::milliseconds(std::min<long long>(ms, cap.count()));
}

std::chrono::milliseconds BackoffPolicy::delay(int retry) const {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<long long> dist(0, ceiling(retry).count());
  return std::chrono::milliseconds(dist(rng));
}

}  // namespace shiming::authority
