#pragma once
// face_match: 1:1 comparison of the live face with the portrait on the ID card
// (evidence id-portrait, cropped by idcard_ocr) and, when an authority returned
// one, with its registered photo (evidence authority-portrait).
#include <memory>
#include <optional>

#include "shiming/face/face_descriptor.h"
#include "shiming/face/face_models.h"
#include "shiming/sdk/plugin.h"

namespace shiming::face_match {

inline constexpr const char* kAuthorityPortrait = "authority-portrait";

class FaceMatchVerifier : public sdk::VerifierBase {
 public:
  explicit FaceMatchVerifier(const sdk::PluginInit& init);
  static sdk::ConfigSchema config_schema();
  static sdk::ConfigSchema rules_schema();
  std::vector<std::string> evidence_needed() const override {
    return {sdk::evidence_kind::kFace, sdk::evidence_kind::kIdPortrait};
  }

 protected:
  sdk::Finding run(sdk::VerificationContext& context) override;

 private:
  struct Described {
    std::optional<face::FaceDescriptor> descriptor;
    std::optional<sdk::Reason> problem;
    nlohmann::json details = nlohmann::json::object();
  };
  // The largest face of an image evidence and its descriptor.
  Described describe(const sdk::Evidence& evidence, const std::string& role) const;

  std::unique_ptr<face::FaceAnalyzer> analyzer_;
  std::unique_ptr<face::FaceDescriptorNet> net_;
};

}  // namespace shiming::face_match
