#pragma once
// face_quality: is a live capture or uploaded photo good enough to verify a face?
#include <memory>

#include "shiming/face/face_models.h"
#include "shiming/sdk/plugin.h"

namespace shiming::face_quality {

class FaceQualityVerifier : public sdk::VerifierBase {
 public:
  explicit FaceQualityVerifier(const sdk::PluginInit& init);
  static sdk::ConfigSchema config_schema();
  static sdk::ConfigSchema rules_schema();
  std::vector<std::string> evidence_needed() const override { return {sdk::evidence_kind::kFace}; }

 protected:
  sdk::Finding run(sdk::VerificationContext& context) override;

 private:
  std::unique_ptr<face::FaceAnalyzer> analyzer_;
  double weak_candidate_score_ = -0.4;
};

}  // namespace shiming::face_quality
