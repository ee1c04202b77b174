#include "replay_guard.h"

namespace shiming::authority_sim {

bool ReplayGuard::first_use(const std::string& client, const std::string& nonce,
                            std::int64_t now_seconds) {
  std::string key = client + "\n" + nonce;
  std::lock_guard lock(mu_);
  while (!order_.empty() && order_.front().first < now_seconds - keep_seconds_) {
    seen_.erase(order_.front().second);
    order_.pop_front();
  }
  if (!seen_.insert(key).second) return false;
  order_.emplace_back(now_seconds, std::move(key));
  return true;
}

std::size_t ReplayGuard::size() const {
  std::lock_guard lock(mu_);
  return seen_.size();
}

}  // namespace shiming::authority_sim
