#include "quality.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "text_lines.h"

namespace shiming::idcard_ocr {

Quality measure_quality(const cv::Mat& bgr) {
  Quality q;
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  q.brightness = cv::mean(gray)[0];
  q.saturated = cv::countNonZero(gray >= 248) / static_cast<double>(gray.total());
  // Blur: the steepest edges of the print compared with their contrast. A step edge blurred
  // with a Gaussian of sigma s has a peak slope of contrast / (s * sqrt(2 pi)). "Print" is
  // taken loosely (anything clearly darker than the local paper) so that blurred, greyed text
  // still counts.
  cv::Mat flat = flatten_light(bgr);
  cv::Mat print = ink_mask(flat, 215);
  cv::Mat gx, gy, mag;
  cv::Sobel(gray, gx, CV_32F, 1, 0, 3, 0.25);
  cv::Sobel(gray, gy, CV_32F, 0, 1, 3, 0.25);
  cv::magnitude(gx, gy, mag);
  cv::Mat near_print;
  cv::dilate(print, near_print, cv::getStructuringElement(cv::MORPH_RECT, {5, 5}));
  std::vector<float> slopes;
  for (int y = 0; y < mag.rows; ++y) {
    const float* m = mag.ptr<float>(y);
    const std::uint8_t* k = near_print.ptr<std::uint8_t>(y);
    for (int x = 0; x < mag.cols; ++x)
      if (k[x]) slopes.push_back(m[x]);
  }
  if (slopes.size() < 500) return q;  // nothing printed: blur unknown, the layout check decides
  std::size_t k98 = slopes.size() * 98 / 100;
  std::nth_element(slopes.begin(), slopes.begin() + k98, slopes.end());
  double slope = slopes[k98];
  // Contrast: the darkest print against the paper around it.
  cv::Scalar paper = cv::mean(gray, ~near_print);
  double lo = 0;
  {
    std::vector<std::uint8_t> vals;
    for (int y = 0; y < gray.rows; ++y) {
      const std::uint8_t* g = gray.ptr<std::uint8_t>(y);
      const std::uint8_t* k = print.ptr<std::uint8_t>(y);
      for (int x = 0; x < gray.cols; ++x)
        if (k[x]) vals.push_back(g[x]);
    }
    std::size_t k5 = vals.size() / 20;
    std::nth_element(vals.begin(), vals.begin() + k5, vals.end());
    lo = vals[k5];
  }
  double contrast = std::max(10.0, paper[0] - lo);
  double sigma_px = contrast / (std::max(1e-3, slope) * std::sqrt(2 * CV_PI));
  q.blur_mm = mm(sigma_px);
  return q;
}

std::vector<double> glare_fractions(const cv::Mat& bgr, const std::vector<cv::Rect>& fields) {
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  cv::Mat blown = gray >= 248;
  std::vector<double> out;
  for (const auto& r : fields) {
    cv::Rect rr = r & cv::Rect(0, 0, gray.cols, gray.rows);
    out.push_back(rr.empty() ? 0.0 : cv::countNonZero(blown(rr)) / static_cast<double>(rr.area()));
  }
  return out;
}

double measure_glare(const cv::Mat& bgr, const std::vector<cv::Rect>& fields) {
  auto g = glare_fractions(bgr, fields);
  return g.empty() ? 0.0 : *std::max_element(g.begin(), g.end());
}

}  // namespace shiming::idcard_ocr
