#pragma once
// Per-frame measurements of a liveness clip: face, landmarks, eye aspect
// ratio, mouth opening, head pose and passive spoof cues.
#include <vector>

#include <opencv2/core.hpp>

#include "shiming/face/face_models.h"
#include "shiming/face/spoof_signals.h"

namespace shiming::liveness {

struct FrameSignals {
  double t = 0;
  int faces = 0;      // faces found; full-frame scans only count others
  bool face = false;  // a face was analysed in this frame
  // The detector lost the face (a turn beyond the frontal HOG model) and its landmarks were fitted
  // in a box that follows the previous frame's landmarks.
  bool tracked = false;
  cv::Rect box;
  face::FaceLandmarks landmarks;
  double ear = 0, mouth = 0, yaw = 0, pitch = 0;
  // Each eye's aspect ratio and width (outer to inner corner, px): on a turned head the eye nearer
  // the camera is the wider one and its landmarks follow the lids best.
  double ear_left = 0, ear_right = 0, eye_width_left = 0, eye_width_right = 0;
  double nose_offset = 0.5;  // face::nose_offset
  // Share of dark pixels (iris, pupil) inside the two eye outlines: lids that close cover them, even
  // where the landmarks of a turned face keep an open eye's shape. -1 when not measured.
  double eye_dark = -1;
  double moire = 0;  // face::moire_peak_ratio of the face region
  face::TextureCues texture;  // skin texture and light on the normalised face (face::texture_cues)
  // Dense motion of the face's own texture against the frame `kFlowGap` frames earlier (features
  // inside the face outline tracked with pyramidal Lucas-Kanade, forward-backward checked): the
  // residual of the best similarity (view change beyond shift/roll/zoom) and of the best homography
  // (what no plane explains: depth), trimmed RMS in eye distances. -1 when not measured.
  int flow_points = 0;
  double flow_tilt = -1, flow_parallax = -1;
};

constexpr int kFlowGap = 3;

// Stateful: after a face is found, the next frames scan only around it, with a
// full-frame scan every `full_scan_every` frames to notice a second face. When the detector loses
// the face (a head turned past ~35 degrees leaves the frontal HOG model) the landmarks are fitted in a
// box that follows the previous frame's landmarks, for at most `kMaxTrackedFrames` frames in a row and
// only while the fitted face stays consistent in place and size.
constexpr int kMaxTrackedFrames = 10;
class FrameAnalyzer {
 public:
  explicit FrameAnalyzer(const face::FaceAnalyzer& analyzer, int full_scan_every = 5)
      : analyzer_(analyzer), full_scan_every_(full_scan_every) {}
  FrameSignals analyze(const cv::Mat& bgr, double t);

 private:
  const face::FaceAnalyzer& analyzer_;
  int full_scan_every_;
  int index_ = 0;
  cv::Rect last_;
  int tracked_run_ = 0;
  face::FaceLandmarks last_landmarks_;
  bool track(const cv::Mat& gray, FrameSignals& s);
  struct Past {
    cv::Mat gray;
    bool face = false;
    face::FaceLandmarks landmarks;
  };
  std::vector<Past> past_;  // the last kFlowGap frames, oldest first
  void measure_flow(const cv::Mat& gray, FrameSignals& s);
};

}  // namespace shiming::liveness
