#include "connection_marks.h"

namespace shiming::authority_sim {

void ConnectionMarks::mark(const std::string& address, ConnectionMark m) {
  std::lock_guard lock(mu_);
  marks_[address] = m;
}

std::optional<ConnectionMark> ConnectionMarks::take(const std::string& address) {
  std::lock_guard lock(mu_);
  auto it = marks_.find(address);
  if (it == marks_.end()) return std::nullopt;
  auto m = it->second;
  marks_.erase(it);
  return m;
}

void ConnectionMarks::clear(const std::string& address) {
  std::lock_guard lock(mu_);
  marks_.erase(address);
}

}  // namespace shiming::authority_sim
