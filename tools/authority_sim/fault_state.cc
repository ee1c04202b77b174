#include "fault_state.h"

namespace shiming::authority_sim {

nlohmann::json to_json(const Faults& f) {
  return {{"latency_ms", f.latency_ms},
          {"unavailable_share", f.unavailable_share},
          {"reset_share", f.reset_share},
          {"slow_body_share", f.slow_body_share},
          {"slow_body_ms", f.slow_body_ms},
          {"malformed_json_share", f.malformed_json_share},
          {"expired_certificate", f.expired_certificate}};
}

namespace {
sdk::Error bad(const std::string& key, const std::string& what, const std::string& what_zh) {
  return sdk::make_error("SIM_FAULTS_INVALID", "faults." + key + ": " + what,
                         "faults." + key + "：" + what_zh, key);
}
}  // namespace

sdk::Status apply_json(Faults& out, const nlohmann::json& j) {
  if (!j.is_object()) return bad("", "must be an object", "必须是对象");
  Faults f = out;
  for (const auto& [k, v] : j.items()) {
    if (k == "latency_ms" || k == "slow_body_ms") {
      if (!v.is_number_integer() || v.get<long long>() < 0 || v.get<long long>() > 600000)
        return bad(k, "must be an integer 0..600000", "必须是 0 到 600000 的整数");
      (k == "latency_ms" ? f.latency_ms : f.slow_body_ms) = v.get<int>();
    } else if (k == "unavailable_share" || k == "reset_share" || k == "slow_body_share" ||
               k == "malformed_json_share") {
      if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 1)
        return bad(k, "must be a number 0..1", "必须是 0 到 1 之间的数");
      double d = v.get<double>();
      if (k == "unavailable_share") f.unavailable_share = d;
      else if (k == "reset_share") f.reset_share = d;
      else if (k == "slow_body_share") f.slow_body_share = d;
      else f.malformed_json_share = d;
    } else if (k == "expired_certificate") {
      if (!v.is_boolean()) return bad(k, "must be true or false", "必须是 true 或 false");
      f.expired_certificate = v.get<bool>();
    } else {
      return bad(k, "unknown fault (known: latency_ms, unavailable_share, reset_share, "
                    "slow_body_share, slow_body_ms, malformed_json_share, expired_certificate)",
                 "未知的故障类型");
    }
  }
  out = f;
  return {};
}

Faults FaultState::get() const {
  std::lock_guard lock(mu_);
  return faults_;
}

void FaultState::set(const Faults& f) {
  std::lock_guard lock(mu_);
  faults_ = f;
}

FaultDraw FaultState::draw() {
  std::lock_guard lock(mu_);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  FaultDraw d;
  d.latency_ms = faults_.latency_ms;
  d.slow_body_ms = faults_.slow_body_ms;
  // Each draw happens even when the share is 0, so shares stay independent.
  double a = u(rng_), b = u(rng_), c = u(rng_), e = u(rng_);
  d.unavailable = a < faults_.unavailable_share;
  d.malformed = !d.unavailable && b < faults_.malformed_json_share;
  d.reset = c < faults_.reset_share;
  d.slow = !d.reset && e < faults_.slow_body_share;
  return d;
}

}  // namespace shiming::authority_sim
