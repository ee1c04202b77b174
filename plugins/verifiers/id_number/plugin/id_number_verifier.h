// The `id_number` verifier: checks the declared resident ID number (GB 11643-1999) and the
// declared sex against it. Needs no evidence.
#pragma once

#include <shiming/sdk/plugin.h>

namespace shiming::idnumber {

class IdNumberVerifier : public sdk::VerifierBase {
 public:
  explicit IdNumberVerifier(const sdk::PluginInit& init);

  static sdk::ConfigSchema config_schema();
  // Step params: min_age, max_age, unknown_region (warn | review).
  static sdk::ConfigSchema rules_schema();

  std::vector<std::string> evidence_needed() const override { return {}; }

 protected:
  sdk::Finding run(sdk::VerificationContext& context) override;
};

}  // namespace shiming::idnumber
