#include "shiming/face/face_detector.h"

#include <algorithm>

#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/opencv/cv_image.h>
#include <opencv2/imgproc.hpp>

namespace shiming::face {

struct FaceDetector::Impl {
  // dlib's scanner keeps scratch buffers: one scan at a time per detector.
  mutable std::mutex mu;
  dlib::frontal_face_detector hog = dlib::get_frontal_face_detector();
};

FaceDetector::FaceDetector(DetectorOptions options)
    : options_(options), impl_(std::make_unique<Impl>()) {}
FaceDetector::~FaceDetector() = default;

std::vector<FaceBox> FaceDetector::detect(const cv::Mat& image, double min_score) const {
  if (image.empty()) return {};
  cv::Mat gray;
  if (image.channels() == 3) cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  else if (image.channels() == 4) cv::cvtColor(image, gray, cv::COLOR_BGRA2GRAY);
  else gray = image;

  double scale = 1.0;
  int longer = std::max(gray.cols, gray.rows), shorter = std::min(gray.cols, gray.rows);
  if (options_.max_side > 0 && longer > options_.max_side) {
    scale = double(options_.max_side) / longer;
  } else if (options_.upsample_below > 0 && shorter < options_.upsample_below) {
    scale = 2.0;
  }
  cv::Mat scan = gray;
  if (scale != 1.0) {
    cv::resize(gray, scan, cv::Size(), scale, scale, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  }
  if (!scan.isContinuous()) scan = scan.clone();

  std::vector<dlib::rect_detection> dets;
  {
    std::lock_guard lock(impl_->mu);
    dlib::cv_image<unsigned char> dimg(scan);
    impl_->hog(dimg, dets, std::min(0.0, min_score));
  }
  std::vector<FaceBox> out;
  for (const auto& d : dets) {
    if (d.detection_confidence < min_score) continue;
    const auto& r = d.rect;
    cv::Rect box(int(r.left() / scale), int(r.top() / scale), int(r.width() / scale),
                 int(r.height() / scale));
    out.push_back({box, d.detection_confidence});
  }
  std::sort(out.begin(), out.end(), [](const FaceBox& a, const FaceBox& b) { return a.score > b.score; });
  return out;
}

}  // namespace shiming::face
