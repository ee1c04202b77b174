#pragma once
// 68-point facial landmarks (iBUG 300-W order) behind an interface, so the
// dlib model (whose training data restricts commercial use) can be replaced.
#include <array>
#include <memory>
#include <string>

#include <opencv2/core.hpp>

#include "shiming/sdk/result.h"

namespace shiming::face {

struct FaceLandmarks {
  std::array<cv::Point2f, 68> points{};
  // Index ranges of the 68-point scheme.
  static constexpr int kJaw = 0, kRightBrow = 17, kLeftBrow = 22, kNose = 27, kRightEye = 36,
                       kLeftEye = 42, kMouthOuter = 48, kMouthInner = 60;
  cv::Point2f eye_center(bool left) const;
  double inter_ocular() const;  // distance between the eye centres, px
};

class LandmarkModel {
 public:
  virtual ~LandmarkModel() = default;
  // `gray` is 8-bit single channel; `box` a detection in its coordinates. Thread-safe.
  virtual FaceLandmarks fit(const cv::Mat& gray, const cv::Rect& box) const = 0;
  virtual std::string name() const = 0;
};

// dlib's shape_predictor_68_face_landmarks.dat (Debian libdlib-data).
// Errors: FACE_MODEL_MISSING, FACE_MODEL_INVALID.
sdk::Result<std::unique_ptr<LandmarkModel>> load_dlib_landmarks(const std::string& path);

}  // namespace shiming::face
