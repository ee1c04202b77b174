#pragma once
// Remembers nonces (per client) for twice the timestamp window, so a
// replayed request is refused while its timestamp could still be accepted.
// Thread-safe.
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_set>
#include <utility>

namespace shiming::authority_sim {

class ReplayGuard {
 public:
  explicit ReplayGuard(std::int64_t keep_seconds) : keep_seconds_(keep_seconds) {}
  // True the first time (client, nonce) is seen; false for a replay.
  bool first_use(const std::string& client, const std::string& nonce, std::int64_t now_seconds);
  std::size_t size() const;

 private:
  const std::int64_t keep_seconds_;
  mutable std::mutex mu_;
  std::unordered_set<std::string> seen_;                     // guarded by mu_
  std::deque<std::pair<std::int64_t, std::string>> order_;  // guarded by mu_
};

}  // namespace shiming::authority_sim
