#include "shiming/face/face_models.h"

#include <cstdlib>

#include <opencv2/imgproc.hpp>

namespace shiming::face {

std::string default_descriptor_model_dir() {
  if (const char* env = std::getenv("SHIMING_FACE_MODEL_DIR"); env && *env) return env;
  return std::string(SHIMING_FACE_DEFAULT_MODEL_ROOT) + "/face-api-1.7.15/package/model";
}

std::vector<sdk::ConfigField> model_config_fields(bool with_descriptor) {
  std::vector<sdk::ConfigField> fields;
  sdk::ConfigField lm;
  lm.name = "landmark_model";
  lm.type = sdk::FieldType::string;
  lm.default_value = kDefaultLandmarkModel;
  lm.doc = "dlib 68-point shape predictor (.dat), Debian package libdlib-data";
  fields.push_back(lm);
  if (with_descriptor) {
    sdk::ConfigField d;
    d.name = "descriptor_model_dir";
    d.type = sdk::FieldType::string;
    d.default_value = default_descriptor_model_dir();
    d.doc = "folder with face_recognition_model.bin and its weights manifest "
            "(@vladmandic/face-api 1.7.15, fetched by scripts/fetch-face-model.sh)";
    fields.push_back(d);
  }
  return fields;
}

FaceAnalyzer::FaceAnalyzer(std::unique_ptr<LandmarkModel> landmarks, DetectorOptions options)
    : detector_(options), landmarks_(std::move(landmarks)) {}

sdk::Result<std::unique_ptr<FaceAnalyzer>> FaceAnalyzer::load(const std::string& landmark_path,
                                                              DetectorOptions options) {
  auto lm = load_dlib_landmarks(landmark_path);
  if (!lm) return lm.error();
  return std::make_unique<FaceAnalyzer>(std::move(*lm), options);
}

std::vector<FaceObservation> FaceAnalyzer::analyze(const cv::Mat& bgr) const {
  return analyze(bgr, detector_.options().min_score);
}

std::vector<FaceObservation> FaceAnalyzer::analyze(const cv::Mat& bgr, double min_score) const {
  cv::Mat gray;
  if (bgr.channels() == 3) cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  else gray = bgr;
  std::vector<FaceObservation> out;
  for (const auto& box : detector_.detect(gray, min_score)) {
    out.push_back({box, landmarks_->fit(gray, box.box)});
  }
  return out;
}

}  // namespace shiming::face
