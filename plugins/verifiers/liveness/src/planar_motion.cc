#include "planar_motion.h"

#include <algorithm>
#include <cmath>

#include <opencv2/calib3d.hpp>

namespace shiming::liveness {
namespace {

// Points that lie roughly on one surface of the head and move with it: the outline from the ears to
// the cheekbones (not the jaw, which drops when the mouth opens), the brows, the eye corners (not
// the lids) and the top of the nose bridge.
constexpr int kRigid[] = {0, 1, 2, 3, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 36, 39, 42, 45, 27};
// The nose tip and base: a few centimetres in front of the rigid points on a real head.
constexpr int kNose[] = {30, 31, 32, 33, 34, 35};

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
  return v[v.size() / 2];
}

}  // namespace

PlanarMotion planar_motion(const std::vector<const face::FaceLandmarks*>& faces, double tilt_threshold) {
  PlanarMotion out;
  if (faces.size() < 2) return out;
  const face::FaceLandmarks& ref = *faces.front();
  const double eye = std::max(1.0, ref.inter_ocular());
  std::vector<cv::Point2f> ref_rigid, ref_nose;
  for (int i : kRigid) ref_rigid.push_back(ref.points[i]);
  for (int i : kNose) ref_nose.push_back(ref.points[i]);
  std::vector<double> tilt_parallax, ratio;
  for (std::size_t k = 1; k < faces.size(); ++k) {
    const face::FaceLandmarks& f = *faces[k];
    std::vector<cv::Point2f> rigid;
    for (int i : kRigid) rigid.push_back(f.points[i]);
    // Tilt: what a similarity leaves unexplained (least squares over all rigid points).
    cv::Mat s = cv::estimateAffinePartial2D(ref_rigid, rigid, cv::noArray(), cv::LMEDS);
    cv::Mat h = cv::findHomography(ref_rigid, rigid, 0);
    if (s.empty() || h.empty()) continue;
    ++out.frames;
    double sum = 0;
    for (std::size_t i = 0; i < rigid.size(); ++i) {
      const auto& p = ref_rigid[i];
      double x = s.at<double>(0, 0) * p.x + s.at<double>(0, 1) * p.y + s.at<double>(0, 2);
      double y = s.at<double>(1, 0) * p.x + s.at<double>(1, 1) * p.y + s.at<double>(1, 2);
      sum += (x - rigid[i].x) * (x - rigid[i].x) + (y - rigid[i].y) * (y - rigid[i].y);
    }
    const double tilt = std::sqrt(sum / double(rigid.size())) / eye;
    // Parallax: the nose against the plane the rigid points define.
    std::vector<cv::Point2f> predicted;
    cv::perspectiveTransform(ref_nose, predicted, h);
    double err = 0;
    for (std::size_t i = 0; i < predicted.size(); ++i) {
      const auto& q = f.points[kNose[i]];
      err += std::hypot(double(predicted[i].x - q.x), double(predicted[i].y - q.y));
    }
    const double parallax = err / double(predicted.size()) / eye;
    out.tilt_max = std::max(out.tilt_max, tilt);
    out.parallax_max = std::max(out.parallax_max, parallax);
    if (tilt > tilt_threshold) {
      ++out.tilt_frames;
      tilt_parallax.push_back(parallax);
      ratio.push_back(parallax / tilt);
    }
  }
  out.parallax_median = median(tilt_parallax);
  out.parallax_per_tilt = median(ratio);
  return out;
}

}  // namespace shiming::liveness
