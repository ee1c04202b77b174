#pragma once
// Frontal face detection (dlib HOG) with score filtering.
#include <memory>
#include <mutex>
#include <vector>

#include <opencv2/core.hpp>

namespace shiming::face {

struct FaceBox {
  cv::Rect box;        // in the coordinates of the image given to detect()
  double score = 0.0;  // HOG detection confidence; real faces usually > 0.3
};

struct DetectorOptions {
  double min_score = 0.3;  // detections under this are dropped (badges, textures)
  // Frames are scaled so their longer side is at most this before scanning
  // (speed); boxes are mapped back. 0 = never scale down.
  int max_side = 1280;
  // Images whose shorter side is under this are upsampled 2x first, so faces of
  // ~40 px are found.
  int upsample_below = 360;
};

class FaceDetector {
 public:
  explicit FaceDetector(DetectorOptions options = {});
  ~FaceDetector();
  FaceDetector(const FaceDetector&) = delete;
  FaceDetector& operator=(const FaceDetector&) = delete;

  // Faces in an 8-bit BGR or grey image, best score first. Thread-safe.
  std::vector<FaceBox> detect(const cv::Mat& image) const { return detect(image, options_.min_score); }
  // With another score floor (may be negative: weaker candidates).
  std::vector<FaceBox> detect(const cv::Mat& image, double min_score) const;
  const DetectorOptions& options() const { return options_; }

 private:
  struct Impl;
  DetectorOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shiming::face
