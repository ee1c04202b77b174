// Image quality of the rectified card, measured before OCR.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

namespace shiming::idcard_ocr {

struct Quality {
  double blur_mm = 0;       // estimated blur (Gaussian sigma) of text edges, mm on the card; 0 if no text
  double brightness = 0;    // mean lightness of the card, 0..255
  double saturated = 0;     // blown-out fraction of the whole card
};

Quality measure_quality(const cv::Mat& rectified_bgr);
// The blown-out fraction of each of the given text areas (canonical pixels).
std::vector<double> glare_fractions(const cv::Mat& rectified_bgr, const std::vector<cv::Rect>& fields);
// The largest of them.
double measure_glare(const cv::Mat& rectified_bgr, const std::vector<cv::Rect>& fields);

}  // namespace shiming::idcard_ocr
