#pragma once
// Per-frame measurements of a liveness clip: face, landmarks, eye aspect
// ratio, mouth opening, head pose and passive spoof cues.
#include <vector>

#include <opencv2/core.hpp>

#include "shiming/face/face_models.h"

namespace shiming::liveness {

struct FrameSignals {
  double t = 0;
  int faces = 0;      // faces found; full-frame scans only count others
  bool face = false;  // a face was analysed in this frame
  cv::Rect box;
  face::FaceLandmarks landmarks;
  double ear = 0, mouth = 0, yaw = 0, pitch = 0;
  double moire = 0;  // face::moire_peak_ratio of the face region
};

// Stateful: after a face is found, the next frames scan only around it, with a
// full-frame scan every `full_scan_every` frames to notice a second face.
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
};

}  // namespace shiming::liveness
