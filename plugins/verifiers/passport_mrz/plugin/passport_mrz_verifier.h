// The `passport_mrz` verifier: reads the machine-readable zone on the uploaded passport data page
// (evidence kind `passport`), checks every check digit, the expiry against the exam date and
// the zone against the identity the candidate declared.
//
// Declared identity (CaseView.identity.extra, set by the overseas channel):
//   passport_number  "E12345678"       surname      "ZHANG"        given_names  "SAN"
//   nationality      "CHN" (ICAO)      birth        "1990-01-31"   sex (identity.sex) "M"/"F"
#pragma once

#include <shiming/sdk/plugin.h>

namespace shiming::mrz {

class PassportMrzVerifier : public sdk::VerifierBase {
 public:
  explicit PassportMrzVerifier(const sdk::PluginInit& init);

  static sdk::ConfigSchema config_schema();
  // Step params: require_valid_on_exam_date (bool, true), name_match / number_match /
  // birth_match (fail | review | off; fail, fail, fail), doubtful (review | fail | pass; review),
  // max_pixels (integer).
  static sdk::ConfigSchema rules_schema();

  std::vector<std::string> evidence_needed() const override { return {sdk::evidence_kind::kPassport}; }

 protected:
  sdk::Finding run(sdk::VerificationContext& context) override;
};

}  // namespace shiming::mrz
