#include "frame_signals.h"

#include <algorithm>
#include <cmath>

#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>

#include "shiming/face/face_geometry.h"
#include "shiming/face/spoof_signals.h"

namespace shiming::liveness {
namespace {

// Pixels inside the eye outlines darker than 60 % of the skin around the eyes (the median of a box
// one eye height above and below), over all pixels inside the outlines.
double eye_dark_share(const cv::Mat& gray, const face::FaceLandmarks& lm) {
  const cv::Rect frame(0, 0, gray.cols, gray.rows);
  std::size_t dark = 0, total = 0;
  for (int start : {face::FaceLandmarks::kRightEye, face::FaceLandmarks::kLeftEye}) {
    std::vector<cv::Point> poly;
    for (int i = 0; i < 6; ++i) poly.emplace_back(int(std::lround(lm.points[start + i].x)), int(std::lround(lm.points[start + i].y)));
    const cv::Rect eye = cv::boundingRect(poly);
    const int pad = std::max(2, eye.width / 3);
    const cv::Rect around = cv::Rect(eye.x, eye.y - pad, eye.width, eye.height + 2 * pad) & frame;
    if (eye.width < 4 || around.area() < 16) return -1;
    cv::Mat patch = gray(around);
    std::vector<unsigned char> v(patch.begin<unsigned char>(), patch.end<unsigned char>());
    std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
    const double limit = 0.6 * v[v.size() / 2];
    cv::Mat mask = cv::Mat::zeros(around.size(), CV_8U);
    for (auto& p : poly) p -= around.tl();
    cv::fillConvexPoly(mask, poly, cv::Scalar(255));
    for (int y = 0; y < around.height; ++y) {
      const auto* g = patch.ptr<unsigned char>(y);
      const auto* m = mask.ptr<unsigned char>(y);
      for (int x = 0; x < around.width; ++x) {
        if (!m[x]) continue;
        ++total;
        dark += g[x] < limit;
      }
    }
  }
  return total >= 8 ? double(dark) / double(total) : -1;
}

}  // namespace

FrameSignals FrameAnalyzer::analyze(const cv::Mat& bgr, double t) {
  FrameSignals s;
  s.t = t;
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  const cv::Rect frame(0, 0, gray.cols, gray.rows);
  std::vector<face::FaceBox> boxes;
  bool full = last_.empty() || index_ % full_scan_every_ == 0;
  ++index_;
  if (!full) {
    cv::Rect roi(last_.x - last_.width * 6 / 10, last_.y - last_.height * 6 / 10, last_.width * 22 / 10,
                 last_.height * 22 / 10);
    roi &= frame;
    // HOG finds faces from ~80 px: scan the region scaled so the face is ~100 px.
    double scale = std::min(1.0, 100.0 / std::max(1, last_.width));
    cv::Mat scan = gray(roi);
    if (scale < 1.0) cv::resize(scan, scan, cv::Size(), scale, scale, cv::INTER_AREA);
    for (auto b : analyzer_.detector().detect(scan)) {
      b.box = cv::Rect(roi.x + int(b.box.x / scale), roi.y + int(b.box.y / scale), int(b.box.width / scale),
                       int(b.box.height / scale));
      boxes.push_back(b);
    }
    if (boxes.empty()) full = true;
  }
  if (full) boxes = analyzer_.detector().detect(gray);
  s.faces = int(boxes.size());
  if (boxes.empty()) {
    if (!track(gray, s)) {
      last_ = {};
      tracked_run_ = 0;
      measure_flow(gray, s);
      return s;
    }
  } else {
    // Follow the largest face.
    const auto& main = *std::max_element(boxes.begin(), boxes.end(),
                                         [](const auto& a, const auto& b) { return a.box.area() < b.box.area(); });
    s.face = true;
    s.box = main.box;
    last_ = main.box;
    tracked_run_ = 0;
    s.landmarks = analyzer_.landmark_model().fit(gray, main.box);
  }
  last_landmarks_ = s.landmarks;
  s.ear = face::eye_aspect_ratio(s.landmarks);
  s.ear_left = face::eye_aspect_ratio(s.landmarks, true);
  s.ear_right = face::eye_aspect_ratio(s.landmarks, false);
  {
    const auto& pt = s.landmarks.points;
    auto width = [&](int start) { return double(cv::norm(pt[start] - pt[start + 3])); };
    s.eye_width_left = width(face::FaceLandmarks::kLeftEye);
    s.eye_width_right = width(face::FaceLandmarks::kRightEye);
  }
  s.nose_offset = face::nose_offset(s.landmarks);
  s.eye_dark = eye_dark_share(gray, s.landmarks);
  s.mouth = face::mouth_opening(s.landmarks);
  auto pose = face::estimate_head_pose(s.landmarks, gray.size());
  s.yaw = pose.yaw;
  s.pitch = pose.pitch;
  cv::Rect inner = s.box & frame;
  if (inner.area() > 64) s.moire = face::moire_peak_ratio(gray(inner));
  s.texture = face::texture_cues(bgr, s.landmarks);
  measure_flow(gray, s);
  return s;
}

namespace {

cv::Point2f landmark_centre(const face::FaceLandmarks& lm) {
  cv::Point2f c(0, 0);
  for (const auto& p : lm.points) c += p;
  return c * (1.0f / float(lm.points.size()));
}

}  // namespace

bool FrameAnalyzer::track(const cv::Mat& gray, FrameSignals& s) {
  if (last_.empty() || tracked_run_ >= kMaxTrackedFrames) return false;
  // The previous box, moved with the face: fit, re-centre the box on the fitted points, fit again.
  const cv::Point2f c0 = landmark_centre(last_landmarks_);
  const cv::Point2f box_off = cv::Point2f(float(last_.x), float(last_.y)) - c0;
  const double eye0 = last_landmarks_.inter_ocular();
  cv::Rect box = last_;
  face::FaceLandmarks lm;
  for (int pass = 0; pass < 2; ++pass) {
    lm = analyzer_.landmark_model().fit(gray, box);
    cv::Point2f c = landmark_centre(lm) + box_off;
    box = cv::Rect(int(std::lround(c.x)), int(std::lround(c.y)), last_.width, last_.height);
  }
  // Consistent with the previous frame: about the same place and size (a turned head narrows the
  // eye distance, a fit on background does not stay put).
  const double eye = lm.inter_ocular();
  const cv::Point2f moved = landmark_centre(lm) - c0;
  if (eye0 < 1 || eye < 0.55 * eye0 || eye > 1.3 * eye0 || std::hypot(moved.x, moved.y) > 0.5 * eye0) return false;
  const cv::Rect frame(0, 0, gray.cols, gray.rows);
  if ((box & frame).area() < box.area() / 2) return false;
  ++tracked_run_;
  s.face = true;
  s.tracked = true;
  s.box = box;
  s.landmarks = lm;
  last_ = box;
  return true;
}

namespace {

// RMS of the smallest 80 % of the residuals (a few bad tracks do not count).
double trimmed_rms(std::vector<double> r) {
  if (r.empty()) return 0;
  std::sort(r.begin(), r.end());
  std::size_t n = std::max<std::size_t>(1, r.size() * 8 / 10);
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += r[i] * r[i];
  return std::sqrt(sum / double(n));
}

}  // namespace

void FrameAnalyzer::measure_flow(const cv::Mat& gray, FrameSignals& s) {
  if (past_.size() == std::size_t(kFlowGap)) {
    const Past& old = past_.front();
    if (old.face && s.face && old.gray.size() == gray.size()) {
      // Features on the face: inside the outline (jaw and brows), pulled 10 % towards its centre.
      std::vector<cv::Point> hull_pts;
      cv::Point2f c(0, 0);
      for (int i = 0; i <= 26; ++i) c += old.landmarks.points[i];
      c *= 1.0f / 27;
      for (int i = 0; i <= 26; ++i) {
        cv::Point2f p = c + (old.landmarks.points[i] - c) * 0.9f;
        hull_pts.emplace_back(int(p.x), int(p.y));
      }
      std::vector<cv::Point> hull;
      cv::convexHull(hull_pts, hull);
      cv::Rect roi = cv::boundingRect(hull) & cv::Rect(0, 0, gray.cols, gray.rows);
      if (roi.area() > 400) {
        cv::Mat mask = cv::Mat::zeros(roi.size(), CV_8U);
        std::vector<cv::Point> local;
        for (const auto& p : hull) local.emplace_back(p.x - roi.x, p.y - roi.y);
        cv::fillConvexPoly(mask, local, cv::Scalar(255));
        const double eye = std::max(1.0, old.landmarks.inter_ocular());
        std::vector<cv::Point2f> a;
        cv::goodFeaturesToTrack(old.gray(roi), a, 80, 0.01, std::max(3.0, eye / 15), mask, 5);
        for (auto& p : a) p += cv::Point2f(float(roi.x), float(roi.y));
        if (a.size() >= 12) {
          // Track inside a window around the face (pyramids of the whole frame cost more than the rest).
          cv::Rect win_rect(roi.x - roi.width / 2, roi.y - roi.height / 2, roi.width * 2, roi.height * 2);
          win_rect &= cv::Rect(0, 0, gray.cols, gray.rows);
          const cv::Point2f off(float(win_rect.x), float(win_rect.y));
          for (auto& p : a) p -= off;
          std::vector<cv::Point2f> b, back;
          std::vector<unsigned char> st, st2;
          std::vector<float> err;
          const cv::Size win(13, 13);
          const cv::TermCriteria stop(cv::TermCriteria::COUNT | cv::TermCriteria::EPS, 20, 0.03);
          cv::Mat g0 = old.gray(win_rect), g1 = gray(win_rect);
          cv::calcOpticalFlowPyrLK(g0, g1, a, b, st, err, win, 2, stop);
          cv::calcOpticalFlowPyrLK(g1, g0, b, back, st2, err, win, 2, stop);
          std::vector<cv::Point2f> pa, pb;
          for (std::size_t i = 0; i < a.size(); ++i) {
            if (!st[i] || !st2[i]) continue;
            if (std::hypot(back[i].x - a[i].x, back[i].y - a[i].y) > 0.7) continue;
            pa.push_back(a[i] + off);
            pb.push_back(b[i] + off);
          }
          if (pa.size() >= 12) {
            cv::Mat sim = cv::estimateAffinePartial2D(pa, pb, cv::noArray(), cv::LMEDS);
            cv::Mat hom = cv::findHomography(pa, pb, cv::LMEDS);
            if (!sim.empty() && !hom.empty()) {
              std::vector<cv::Point2f> ph;
              cv::perspectiveTransform(pa, ph, hom);
              std::vector<double> rs, rh;
              for (std::size_t i = 0; i < pa.size(); ++i) {
                double x = sim.at<double>(0, 0) * pa[i].x + sim.at<double>(0, 1) * pa[i].y + sim.at<double>(0, 2);
                double y = sim.at<double>(1, 0) * pa[i].x + sim.at<double>(1, 1) * pa[i].y + sim.at<double>(1, 2);
                rs.push_back(std::hypot(x - pb[i].x, y - pb[i].y));
                rh.push_back(std::hypot(double(ph[i].x - pb[i].x), double(ph[i].y - pb[i].y)));
              }
              s.flow_points = int(pa.size());
              s.flow_tilt = trimmed_rms(rs) / eye;
              s.flow_parallax = trimmed_rms(rh) / eye;
            }
          }
        }
      }
    }
    past_.erase(past_.begin());
  }
  past_.push_back({gray, s.face, s.landmarks});
}

}  // namespace shiming::liveness
