#include "circuit_breaker.h"

namespace shiming::authority {

const char* to_string(CircuitBreaker::State s) {
  switch (s) {
    case CircuitBreaker::State::closed: return "closed";
    case CircuitBreaker::State::open: return "open";
    case CircuitBreaker::State::half_open: return "half_open";
  }
  return "closed";
}

CircuitBreaker::Permit CircuitBreaker::acquire(time_point now) {
  std::lock_guard lock(mu_);
  if (state_ == State::open) {
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - opened_at_);
    if (elapsed < options_.open_for) return Permit{false, options_.open_for - elapsed, false};
    state_ = State::half_open;
    probes_in_flight_ = 0;
  }
  if (state_ == State::half_open) {
    if (probes_in_flight_ >= options_.half_open_probes)
      return Permit{false, options_.open_for, false};
    ++probes_in_flight_;
    return Permit{true, {}, true};
  }
  return Permit{true, {}, false};
}

void CircuitBreaker::record_locked(bool failure) {
  recent_.push_back(failure);
  if (failure) ++recent_failures_;
  while (static_cast<int>(recent_.size()) > options_.window) {
    if (recent_.front()) --recent_failures_;
    recent_.pop_front();
  }
}

void CircuitBreaker::on_success(const Permit& permit) {
  std::lock_guard lock(mu_);
  if (state_ == State::closed && !permit.probe) record_locked(false);
  if (permit.probe && state_ == State::half_open) {
    state_ = State::closed;
    probes_in_flight_ = 0;
  }
}

bool CircuitBreaker::on_failure(const Permit& permit, time_point now) {
  std::lock_guard lock(mu_);
  if (permit.probe) {
    if (state_ == State::half_open) {
      open_locked(now);
      return true;
    }
    return false;
  }
  if (state_ != State::closed) return false;  // already open: a late failure changes nothing
  record_locked(true);
  if (recent_failures_ >= options_.failure_threshold) {
    open_locked(now);
    return true;
  }
  return false;
}

void CircuitBreaker::open_locked(time_point now) {
  state_ = State::open;
  opened_at_ = now;
  recent_.clear();
  recent_failures_ = 0;
  probes_in_flight_ = 0;
  ++openings_;
}

CircuitBreaker::State CircuitBreaker::state(time_point now) const {
  std::lock_guard lock(mu_);
  if (state_ == State::open && now - opened_at_ >= options_.open_for) return State::half_open;
  return state_;
}

std::uint64_t CircuitBreaker::openings() const {
  std::lock_guard lock(mu_);
  return openings_;
}

}  // namespace shiming::authority
