#pragma once
// The checks of face_quality on one decoded image.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "shiming/face/face_models.h"

namespace shiming::face_quality {

struct QualityParams {
  int min_face_px = 80;
  double min_face_ratio = 0.12;   // face box width / image width
  double max_face_ratio = 0.85;
  double center_tolerance = 0.3;  // |face centre - image centre| / image size
  double min_sharpness = 25.0;
  double min_brightness = 60.0;   // mean face luminance, 0..255
  double max_brightness = 215.0;
  double backlight_ratio = 0.55;  // face / background luminance under this = backlight
  bool require_plain_background = false;
  double background_max_stddev = 28.0;
  double background_min_brightness = 140.0;
  double min_eye_aspect_ratio = 0.17;
  double sunglasses_ratio = 0.45;     // eye region / cheek luminance under this = covered
  double mask_color_distance = 38.0;  // Lab distance between lower face and forehead
  double max_yaw_degrees = 20.0;
  double max_pitch_degrees = 20.0;
  double max_roll_degrees = 15.0;

  static QualityParams from_json(const nlohmann::json& params);
};

struct QualityReport {
  std::vector<std::string> failed;                    // reason codes, in check order
  nlohmann::json measures = nlohmann::json::object();  // what was measured
};

QualityReport check_quality(const cv::Mat& bgr, const std::vector<face::FaceObservation>& faces,
                            const QualityParams& params);

// When no face passes the detector's score floor: if a weaker candidate shows
// covered eyes or a covered lower face, say so (the citizen can fix that)
// instead of a bare NO_FACE.
QualityReport explain_missing_face(const cv::Mat& bgr, const std::vector<face::FaceObservation>& weak,
                                   const QualityParams& params);

}  // namespace shiming::face_quality
