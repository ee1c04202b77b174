// Field reading on an upright rectified card: rows found from the printed labels, each value
// read by Tesseract with retries on alternative preprocessing until it validates.
#pragma once

#include <opencv2/core.hpp>

#include "shiming/idcard_ocr/idcard_ocr.h"

namespace shiming::idcard_ocr {

struct LayoutFit {
  double dx_mm = 0, dy_mm = 0;  // where the labels are, relative to the standard layout
  int label_rows = 0;           // label rows found
};

LayoutFit fit_front_layout(const cv::Mat& ink);
LayoutFit fit_back_layout(const cv::Mat& ink);

Fields read_front_fields(const cv::Mat& rectified_bgr, const LayoutFit& fit, const cv::Mat& flat, const cv::Mat& ink);
Fields read_back_fields(const cv::Mat& rectified_bgr, const LayoutFit& fit, const cv::Mat& flat, const cv::Mat& ink);

}  // namespace shiming::idcard_ocr
