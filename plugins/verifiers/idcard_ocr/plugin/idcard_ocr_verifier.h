// The idcard_ocr verifier: reads id-front and id-back, cross-checks them with what the
// candidate declared and the exam date, and hands the cropped portrait to later steps.
#pragma once

#include "shiming/sdk/plugin.h"

namespace shiming::idcard_ocr {

class IdCardOcrVerifier : public sdk::VerifierBase {
 public:
  explicit IdCardOcrVerifier(const sdk::PluginInit& init);
  static sdk::ConfigSchema config_schema();
  static sdk::ConfigSchema rules_schema();
  std::vector<std::string> evidence_needed() const override;

 protected:
  sdk::Finding run(sdk::VerificationContext& context) override;
};

}  // namespace shiming::idcard_ocr
