#pragma once
// At each exam session's verification deadline, every case of that session
// that is not verified becomes `expired` (未认证): no admission ticket follows.
// Idempotent and safe with several hosts on one database: each move is a
// compare-and-set on the case's status, so a case is expired once.
#include <cstddef>
#include <set>
#include <string>

#include "common/dates.h"

namespace shiming {

class Hub;

class DeadlineSweeper {
 public:
  explicit DeadlineSweeper(Hub& hub) : hub_(hub) {}
  // Expires what is due at `now`; returns how many cases this call moved. A
  // (province, session) whose sweep found nothing left is not listed again.
  std::size_t sweep(TimePoint now);

 private:
  Hub& hub_;
  std::set<std::string> done_;  // "province/session" fully swept
};

}  // namespace shiming
