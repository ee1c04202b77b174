#include "shiming/face/face_geometry.h"

#include <cmath>

#include <opencv2/calib3d.hpp>

namespace shiming::face {
namespace {

double dist(cv::Point2f a, cv::Point2f b) {
  double dx = a.x - b.x, dy = a.y - b.y;
  return std::sqrt(dx * dx + dy * dy);
}

}  // namespace

double eye_aspect_ratio(const FaceLandmarks& lm, bool left) {
  const auto* p = &lm.points[left ? FaceLandmarks::kLeftEye : FaceLandmarks::kRightEye];
  double width = dist(p[0], p[3]);
  if (width < 1e-6) return 0.0;
  return (dist(p[1], p[5]) + dist(p[2], p[4])) / (2.0 * width);
}

double eye_aspect_ratio(const FaceLandmarks& lm) {
  return 0.5 * (eye_aspect_ratio(lm, true) + eye_aspect_ratio(lm, false));
}

double nose_offset(const FaceLandmarks& lm) {
  const cv::Point2f a = lm.points[36], b = lm.points[45], n = lm.points[30];
  const double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
  if (len2 < 1e-6) return 0.5;
  return ((n.x - a.x) * dx + (n.y - a.y) * dy) / len2;
}

double mouth_opening(const FaceLandmarks& lm) {
  const auto& p = lm.points;
  double width = dist(p[48], p[54]);
  if (width < 1e-6) return 0.0;
  double open = (dist(p[61], p[67]) + dist(p[62], p[66]) + dist(p[63], p[65])) / 3.0;
  return open / width;
}

HeadPose estimate_head_pose(const FaceLandmarks& lm, cv::Size size) {
  // A generic head in camera axes (x right, y down, z away from the camera),
  // millimetre-like units, nose tip at the origin. The vertical placement of
  // dlib's nose tip (point 30) between eyes and mouth was fitted so frontal faces
  // of the test photos read ~0 degrees pitch (the often-quoted model, with the
  // nose 170/150 between eyes and mouth, reads ~20 degrees chin-down on them).
  static const std::vector<cv::Point3d> kModel = {
      {0.0, 0.0, 0.0},          // 30 nose tip
      {0.0, 270.0, 65.0},       // 8 chin
      {-225.0, -230.0, 135.0},  // 36 outer corner of the eye on the image left
      {225.0, -230.0, 135.0},   // 45 outer corner of the eye on the image right
      {-150.0, 90.0, 125.0},    // 48 mouth corner, image left
      {150.0, 90.0, 125.0},     // 54 mouth corner, image right
  };
  const auto& p = lm.points;
  std::vector<cv::Point2d> image = {p[30], p[8], p[36], p[45], p[48], p[54]};
  double f = size.width;
  cv::Mat camera = (cv::Mat_<double>(3, 3) << f, 0, size.width / 2.0, 0, f, size.height / 2.0, 0, 0, 1);
  cv::Mat rvec, tvec;
  HeadPose pose;
  // Start from a frontal head in front of the camera so the solver cannot flip.
  rvec = cv::Mat::zeros(3, 1, CV_64F);
  double iod = std::max(1.0, dist(p[36], p[45]));
  cv::Point2d nose = p[30];
  double z = f * 450.0 / iod;
  tvec = (cv::Mat_<double>(3, 1) << (nose.x - size.width / 2.0) * z / f,
          (nose.y - size.height / 2.0) * z / f, z);
  if (!cv::solvePnP(kModel, image, camera, cv::noArray(), rvec, tvec, true, cv::SOLVEPNP_ITERATIVE)) {
    return pose;
  }
  cv::Mat r;
  cv::Rodrigues(rvec, r);
  cv::Mat mtx_r, mtx_q;
  cv::Vec3d euler = cv::RQDecomp3x3(r, mtx_r, mtx_q);
  pose.pitch = -euler[0];
  pose.yaw = -euler[1];  // the nose moving to the image right reads positive
  pose.roll = euler[2];
  pose.valid = std::isfinite(pose.yaw) && std::isfinite(pose.pitch);
  return pose;
}

}  // namespace shiming::face
