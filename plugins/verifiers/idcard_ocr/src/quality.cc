#include "quality.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "text_lines.h"

namespace shiming::idcard_ocr {

Quality measure_quality(const cv::Mat& bgr, const cv::Mat& ink, const std::vector<cv::Rect>& fields) {
  Quality q;
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  q.brightness = cv::mean(gray)[0];
  cv::Mat blown = gray >= 248;
  q.saturated = cv::countNonZero(blown) / static_cast<double>(gray.total());
  for (const auto& r : fields) {
    cv::Rect rr = r & cv::Rect(0, 0, gray.cols, gray.rows);
    if (rr.empty()) continue;
    q.glare = std::max(q.glare, cv::countNonZero(blown(rr)) / static_cast<double>(rr.area()));
  }
  // Blur: the steepest edges of the text compared with its contrast. A step edge blurred with
  // a Gaussian of sigma s has a peak slope of contrast / (s * sqrt(2 pi)).
  cv::Mat gx, gy, mag;
  cv::Sobel(gray, gx, CV_32F, 1, 0, 3, 0.25);
  cv::Sobel(gray, gy, CV_32F, 0, 1, 3, 0.25);
  cv::magnitude(gx, gy, mag);
  cv::Mat near_ink;
  cv::dilate(ink, near_ink, cv::getStructuringElement(cv::MORPH_RECT, {5, 5}));
  std::vector<float> slopes;
  for (int y = 0; y < mag.rows; ++y) {
    const float* m = mag.ptr<float>(y);
    const std::uint8_t* k = near_ink.ptr<std::uint8_t>(y);
    for (int x = 0; x < mag.cols; ++x)
      if (k[x]) slopes.push_back(m[x]);
  }
  if (slopes.size() < 200) {
    q.blur_mm = 10;  // no text edges at all
    return q;
  }
  std::size_t k98 = slopes.size() * 98 / 100;
  std::nth_element(slopes.begin(), slopes.begin() + k98, slopes.end());
  double slope = slopes[k98];
  // Contrast: text ink against the paper around it.
  cv::Scalar paper = cv::mean(gray, ~near_ink);
  cv::Scalar text = cv::mean(gray, ink);
  double contrast = std::max(10.0, paper[0] - text[0]);
  double sigma_px = contrast / (std::max(1e-3, slope) * std::sqrt(2 * CV_PI));
  q.blur_mm = mm(sigma_px);
  return q;
}

}  // namespace shiming::idcard_ocr
