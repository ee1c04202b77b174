#include "frame_signals.h"

#include <opencv2/imgproc.hpp>

#include "shiming/face/face_geometry.h"
#include "shiming/face/spoof_signals.h"

namespace shiming::liveness {

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
    last_ = {};
    return s;
  }
  // Follow the largest face.
  const auto& main = *std::max_element(boxes.begin(), boxes.end(),
                                       [](const auto& a, const auto& b) { return a.box.area() < b.box.area(); });
  s.face = true;
  s.box = main.box;
  last_ = main.box;
  s.landmarks = analyzer_.landmark_model().fit(gray, main.box);
  s.ear = face::eye_aspect_ratio(s.landmarks);
  s.mouth = face::mouth_opening(s.landmarks);
  auto pose = face::estimate_head_pose(s.landmarks, gray.size());
  s.yaw = pose.yaw;
  s.pitch = pose.pitch;
  cv::Rect inner = main.box & frame;
  if (inner.area() > 64) s.moire = face::moire_peak_ratio(gray(inner));
  return s;
}

}  // namespace shiming::liveness
