// Image quality of the rectified card, measured before OCR.
#pragma once

#include <opencv2/core.hpp>

#include "shiming/idcard_ocr/idcard_ocr.h"

namespace shiming::idcard_ocr {

struct Quality {
  double blur_mm = 0;       // estimated blur radius of text edges, mm on the card
  double glare = 0;         // largest blown-out fraction over a text field
  double brightness = 0;    // mean lightness of the card, 0..255
  double saturated = 0;     // blown-out fraction of the whole card
};

// `fields` are the text areas (canonical pixels) where glare matters.
Quality measure_quality(const cv::Mat& rectified_bgr, const cv::Mat& ink, const std::vector<cv::Rect>& fields);

}  // namespace shiming::idcard_ocr
