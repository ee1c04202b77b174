#pragma once
// Where the models live, and the detector + landmark pair most callers need.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "shiming/face/face_detector.h"
#include "shiming/face/landmarks.h"
#include "shiming/sdk/config_schema.h"
#include "shiming/sdk/result.h"

namespace shiming::face {

inline constexpr const char* kDefaultLandmarkModel =
    "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";

// The face-api model folder: $SHIMING_FACE_MODEL_DIR, else the folder
// scripts/fetch-face-model.sh fills (var/models/face-api-<version>/package/model).
std::string default_descriptor_model_dir();

// host.yaml fields shared by the three face plugins: landmark_model, descriptor_model_dir.
std::vector<sdk::ConfigField> model_config_fields(bool with_descriptor);

struct FaceObservation {
  FaceBox detection;
  FaceLandmarks landmarks;
};

// Detector + landmark model: the analysis of one image.
class FaceAnalyzer {
 public:
  FaceAnalyzer(std::unique_ptr<LandmarkModel> landmarks, DetectorOptions options = {});
  static sdk::Result<std::unique_ptr<FaceAnalyzer>> load(const std::string& landmark_path,
                                                          DetectorOptions options = {});
  // All faces (best score first) with their landmarks. Thread-safe. A face whose eye line is tilted
  // by more than kUprightRefitDegrees is fitted a second time on the region turned upright
  // (fit_upright).
  std::vector<FaceObservation> analyze(const cv::Mat& bgr) const;
  std::vector<FaceObservation> analyze(const cv::Mat& bgr, double min_score) const;
  // dlib's shape predictor starts from an upright mean shape inside the detector's box: on a head
  // tilted to one side it can settle on a less tilted shape (the chip then shows the face turned in
  // its plane, and its descriptor moves). Turn the region around the box so the first fit's eye line
  // is level, fit again in the box moved with the face, and map the points back.
  static constexpr double kUprightRefitDegrees = 6;
  FaceLandmarks fit_upright(const cv::Mat& gray, const cv::Rect& box, const FaceLandmarks& first) const;
  const FaceDetector& detector() const { return detector_; }
  const LandmarkModel& landmark_model() const { return *landmarks_; }

 private:
  FaceDetector detector_;
  std::unique_ptr<LandmarkModel> landmarks_;
};

}  // namespace shiming::face
