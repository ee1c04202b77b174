#pragma once
// Injected faults, changeable at run time (admin endpoint). Thread-safe.
#include <mutex>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "shiming/sdk/result.h"

namespace shiming::authority_sim {

struct Faults {
  int latency_ms = 0;               // added before every answer
  double unavailable_share = 0;     // share of checks answered 503 unavailable
  double reset_share = 0;           // share of connections reset instead of answered
  double slow_body_share = 0;       // share of answers trickled over slow_body_ms
  int slow_body_ms = 2000;
  double malformed_json_share = 0;  // share of answers with a broken JSON body
  bool expired_certificate = false;  // serve the expired certificate to new connections
};

nlohmann::json to_json(const Faults& f);
// Applies the keys present in `j` onto `f`. Error SIM_FAULTS_INVALID on an
// unknown key, a wrong type or a share outside 0..1.
sdk::Status apply_json(Faults& f, const nlohmann::json& j);

// What to do with one answer.
struct FaultDraw {
  bool unavailable = false;
  bool malformed = false;
  bool reset = false;
  bool slow = false;
  int latency_ms = 0;
  int slow_body_ms = 0;
};

class FaultState {
 public:
  explicit FaultState(Faults f = {}) : faults_(f) {}
  Faults get() const;
  void set(const Faults& f);
  FaultDraw draw();

 private:
  mutable std::mutex mu_;
  Faults faults_;          // guarded by mu_
  std::mt19937_64 rng_{std::random_device{}()};  // guarded by mu_
};

}  // namespace shiming::authority_sim
