#include "quality_checks.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "shiming/face/face_geometry.h"
#include "shiming/face/spoof_signals.h"

namespace shiming::face_quality {
namespace {

double round3(double v) { return std::round(v * 1000.0) / 1000.0; }

cv::Rect clip_rect(cv::Rect r, const cv::Mat& m) { return r & cv::Rect(0, 0, m.cols, m.rows); }

cv::Rect square_at(cv::Point2f c, double side) {
  int s = std::max(2, int(side));
  return {int(c.x - s / 2.0), int(c.y - s / 2.0), s, s};
}

cv::Scalar mean_of(const cv::Mat& m, cv::Rect r) {
  r = clip_rect(r, m);
  if (r.area() < 4) return cv::Scalar::all(-1);
  return cv::mean(m(r));
}

}  // namespace

QualityParams QualityParams::from_json(const nlohmann::json& j) {
  QualityParams p;
  auto num = [&](const char* key, double& v) { if (j.contains(key)) v = j[key].get<double>(); };
  if (j.contains("min_face_px")) p.min_face_px = j["min_face_px"].get<int>();
  num("min_face_ratio", p.min_face_ratio);
  num("max_face_ratio", p.max_face_ratio);
  num("center_tolerance", p.center_tolerance);
  num("min_sharpness", p.min_sharpness);
  num("min_brightness", p.min_brightness);
  num("max_brightness", p.max_brightness);
  num("backlight_ratio", p.backlight_ratio);
  if (j.contains("require_plain_background")) p.require_plain_background = j["require_plain_background"].get<bool>();
  num("background_max_stddev", p.background_max_stddev);
  num("background_min_brightness", p.background_min_brightness);
  num("min_eye_aspect_ratio", p.min_eye_aspect_ratio);
  num("sunglasses_ratio", p.sunglasses_ratio);
  num("mask_color_distance", p.mask_color_distance);
  num("max_yaw_degrees", p.max_yaw_degrees);
  num("max_pitch_degrees", p.max_pitch_degrees);
  num("max_roll_degrees", p.max_roll_degrees);
  return p;
}

QualityReport check_quality(const cv::Mat& bgr, const std::vector<face::FaceObservation>& faces,
                            const QualityParams& p) {
  QualityReport report;
  auto& m = report.measures;
  m["faces"] = faces.size();
  if (faces.empty()) {
    report.failed.push_back("NO_FACE");
    return report;
  }
  // The main face is the largest; others count when at least half its size.
  auto main_it = std::max_element(faces.begin(), faces.end(), [](const auto& a, const auto& b) {
    return a.detection.box.width < b.detection.box.width;
  });
  const auto& main = *main_it;
  int others = 0;
  for (const auto& f : faces) {
    if (&f != &main && f.detection.box.width >= main.detection.box.width / 2) ++others;
  }
  if (others > 0) {
    report.failed.push_back("MULTIPLE_FACES");
    return report;
  }
  const auto& lm = main.landmarks;
  std::vector<cv::Point2f> pts(lm.points.begin(), lm.points.end());
  cv::Rect2f face = cv::boundingRect(pts);
  const double iod = std::max(1.0, lm.inter_ocular());
  m["detection_score"] = round3(main.detection.score);

  // Size and position.
  const double face_px = std::hypot(lm.points[16].x - lm.points[0].x, lm.points[16].y - lm.points[0].y);
  const double ratio = face_px / bgr.cols;
  m["face_px"] = int(face_px);
  m["face_ratio"] = round3(ratio);
  if (face_px < p.min_face_px || ratio < p.min_face_ratio) report.failed.push_back("FACE_TOO_SMALL");
  else if (ratio > p.max_face_ratio) report.failed.push_back("FACE_TOO_CLOSE");
  cv::Point2f center(face.x + face.width / 2, face.y + face.height / 2);
  double dx = std::abs(center.x - bgr.cols / 2.0) / bgr.cols, dy = std::abs(center.y - bgr.rows / 2.0) / bgr.rows;
  bool cut = face.x < 0 || face.y < 0 || face.x + face.width > bgr.cols || face.y + face.height > bgr.rows;
  m["center_offset"] = round3(std::max(dx, dy));
  if (cut || dx > p.center_tolerance || dy > p.center_tolerance) report.failed.push_back("FACE_NOT_CENTERED");

  cv::Mat gray, lab;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  cv::cvtColor(bgr, lab, cv::COLOR_BGR2Lab);

  // Sharpness of the face.
  cv::Rect face_rect = clip_rect(cv::Rect(face), gray);
  if (face_rect.area() > 16) {
    double sharp = face::sharpness(gray(face_rect));
    m["sharpness"] = round3(sharp);
    if (sharp < p.min_sharpness) report.failed.push_back("IMAGE_BLURRY");
  }

  // Exposure: the skin between the eyes and the mouth.
  cv::Rect skin = clip_rect(cv::Rect(cv::Point(int(lm.points[36].x), int(lm.points[29].y)),
                                     cv::Point(int(lm.points[45].x), int(lm.points[51].y))), gray);
  double face_lum = skin.area() > 4 ? cv::mean(gray(skin))[0] : cv::mean(gray(face_rect))[0];
  m["face_brightness"] = round3(face_lum);
  if (face_lum < p.min_brightness) report.failed.push_back("FACE_TOO_DARK");
  else if (face_lum > p.max_brightness) report.failed.push_back("FACE_OVEREXPOSED");

  // Background: everything but the head and the body below it.
  cv::Mat bg_mask(gray.size(), CV_8U, cv::Scalar(255));
  cv::Rect person(int(face.x - 0.45 * face.width), int(face.y - 0.7 * face.height), int(1.9 * face.width),
                  gray.rows);
  bg_mask(clip_rect(person, gray)).setTo(0);
  int bg_pixels = cv::countNonZero(bg_mask);
  if (bg_pixels > int(gray.total() / 10)) {
    cv::Scalar bg_mean, bg_std;
    cv::meanStdDev(gray, bg_mean, bg_std, bg_mask);
    m["background_brightness"] = round3(bg_mean[0]);
    m["background_stddev"] = round3(bg_std[0]);
    double backlight = bg_mean[0] > 1 ? face_lum / bg_mean[0] : 1.0;
    m["face_to_background"] = round3(backlight);
    if (backlight < p.backlight_ratio && bg_mean[0] > 120) report.failed.push_back("BACKLIGHT");
    if (p.require_plain_background &&
        (bg_std[0] > p.background_max_stddev || bg_mean[0] < p.background_min_brightness)) {
      report.failed.push_back("BACKGROUND_NOT_PLAIN");
    }
  }

  // Eyes: open, and not covered.
  double ear = face::eye_aspect_ratio(lm);
  m["eye_aspect_ratio"] = round3(ear);
  double eye_lum = 0, cheek_lum = 0;
  for (bool left : {false, true}) {
    cv::Point2f c = lm.eye_center(left);
    eye_lum += mean_of(gray, square_at(c, 0.45 * iod))[0] / 2;
    cheek_lum += mean_of(gray, square_at(cv::Point2f(c.x, lm.points[29].y + 0.15f * float(iod)), 0.3 * iod))[0] / 2;
  }
  double eye_ratio = cheek_lum > 1 ? eye_lum / cheek_lum : 1.0;
  m["eye_to_cheek"] = round3(eye_ratio);
  bool sunglasses = eye_ratio < p.sunglasses_ratio;
  if (sunglasses) report.failed.push_back("SUNGLASSES");
  else if (ear < p.min_eye_aspect_ratio) report.failed.push_back("EYES_CLOSED");

  // Mask: the chin and upper lip against the forehead, in Lab.
  cv::Point2f brow_mid = (lm.points[19] + lm.points[24]) * 0.5f;
  cv::Scalar forehead = mean_of(lab, square_at(brow_mid - cv::Point2f(0, 0.35f * float(iod)), 0.3 * iod));
  cv::Scalar chin = mean_of(lab, square_at((lm.points[57] + lm.points[8]) * 0.5f, 0.25 * iod));
  cv::Scalar lip = mean_of(lab, square_at((lm.points[33] + lm.points[51]) * 0.5f, 0.15 * iod));
  if (forehead[0] >= 0 && chin[0] >= 0 && lip[0] >= 0) {
    auto dist = [&](const cv::Scalar& a) {
      return std::sqrt(0.25 * std::pow(a[0] - forehead[0], 2) + std::pow(a[1] - forehead[1], 2) +
                       std::pow(a[2] - forehead[2], 2));
    };
    double d = std::min(dist(chin), dist(lip));
    m["lower_face_color_distance"] = round3(d);
    if (d > p.mask_color_distance) report.failed.push_back("FACE_MASK");
  }

  // Pose.
  auto pose = face::estimate_head_pose(lm, bgr.size());
  cv::Point2f eyes = lm.eye_center(true) - lm.eye_center(false);
  double roll = std::atan2(eyes.y, eyes.x) * 180.0 / CV_PI;
  m["yaw"] = round3(pose.yaw);
  m["pitch"] = round3(pose.pitch);
  m["roll"] = round3(roll);
  if (!pose.valid || std::abs(pose.yaw) > p.max_yaw_degrees || std::abs(pose.pitch) > p.max_pitch_degrees ||
      std::abs(roll) > p.max_roll_degrees) {
    report.failed.push_back("HEAD_NOT_FRONTAL");
  }
  return report;
}

QualityReport explain_missing_face(const cv::Mat& bgr, const std::vector<face::FaceObservation>& weak,
                                   const QualityParams& p) {
  QualityReport none;
  none.measures["faces"] = 0;
  none.failed.push_back("NO_FACE");
  for (const auto& candidate : weak) {
    if (candidate.detection.box.width < p.min_face_px) continue;
    QualityReport checked = check_quality(bgr, {candidate}, p);
    QualityReport out;
    for (const auto& code : checked.failed) {
      if (code == "SUNGLASSES" || code == "FACE_MASK") out.failed.push_back(code);
    }
    if (out.failed.empty()) continue;
    out.measures = checked.measures;
    out.measures["faces"] = 0;
    out.measures["weak_candidate_score"] = checked.measures.value("detection_score", 0.0);
    return out;
  }
  return none;
}

}  // namespace shiming::face_quality
