#pragma once
// liveness: challenge-response check of a short clip (actions in order, the
// same face throughout) plus passive spoof cues (still photo, screen replay).
#include <memory>

#include "clip_analysis.h"
#include "shiming/face/face_descriptor.h"
#include "shiming/face/face_models.h"
#include "shiming/sdk/plugin.h"

namespace shiming::liveness {

class LivenessVerifier : public sdk::VerifierBase {
 public:
  explicit LivenessVerifier(const sdk::PluginInit& init);
  static sdk::ConfigSchema config_schema();
  static sdk::ConfigSchema rules_schema();
  std::vector<std::string> evidence_needed() const override { return {sdk::evidence_kind::kLivenessVideo}; }

 protected:
  sdk::Finding run(sdk::VerificationContext& context) override;

 private:
  sdk::Host& host_;
  std::unique_ptr<face::FaceAnalyzer> analyzer_;
  std::unique_ptr<face::FaceDescriptorNet> net_;
};

// The analysis of a decoded clip against a challenge: the part of run() after
// the nonce and decoding checks (the benchmark times it).
sdk::Finding check_clip(const face::FaceAnalyzer& analyzer, const face::FaceDescriptorNet& net,
                        const std::vector<cv::Mat>& frames, const std::vector<double>& times,
                        const std::vector<std::string>& challenge, const nlohmann::json& params);

}  // namespace shiming::liveness
