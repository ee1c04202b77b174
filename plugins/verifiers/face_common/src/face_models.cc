#include "shiming/face/face_models.h"

#include <cmath>
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
    out.push_back({box, fit_upright(gray, box.box, landmarks_->fit(gray, box.box))});
  }
  return out;
}

FaceLandmarks FaceAnalyzer::fit_upright(const cv::Mat& gray, const cv::Rect& box, const FaceLandmarks& first) const {
  const cv::Point2f l = first.eye_center(false), r = first.eye_center(true);
  const double degrees = std::atan2(double(r.y - l.y), double(r.x - l.x)) * 180.0 / CV_PI;
  if (std::abs(degrees) < kUprightRefitDegrees || std::abs(degrees) > 60) return first;
  // The region: the box with half its size around it, turned about the landmarks' centre.
  cv::Rect roi(box.x - box.width / 2, box.y - box.height / 2, box.width * 2, box.height * 2);
  roi &= cv::Rect(0, 0, gray.cols, gray.rows);
  if (roi.area() <= 0) return first;
  cv::Point2f centre(0, 0);
  for (const auto& p : first.points) centre += p;
  centre *= 1.0f / float(first.points.size());
  const cv::Point2f local = centre - cv::Point2f(float(roi.x), float(roi.y));
  // A positive angle turns the image counter-clockwise: an eye line sloping down to the right levels.
  cv::Mat m = cv::getRotationMatrix2D(local, degrees, 1.0);
  cv::Mat turned;
  cv::warpAffine(gray(roi), turned, m, roi.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  // The box keeps its size and its offset from the landmarks' centre (the turn is about that centre).
  const cv::Rect moved(box.x - roi.x, box.y - roi.y, box.width, box.height);
  FaceLandmarks second = landmarks_->fit(turned, moved);
  cv::Mat back;
  cv::invertAffineTransform(m, back);
  for (auto& p : second.points) {
    const double x = back.at<double>(0, 0) * p.x + back.at<double>(0, 1) * p.y + back.at<double>(0, 2);
    const double y = back.at<double>(1, 0) * p.x + back.at<double>(1, 1) * p.y + back.at<double>(1, 2);
    p = cv::Point2f(float(x + roi.x), float(y + roi.y));
  }
  return second;
}

}  // namespace shiming::face
