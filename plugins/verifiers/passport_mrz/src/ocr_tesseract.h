#pragma once

#include <string>

#include <opencv2/core.hpp>

namespace shiming::mrz {

// Reads one text line (grey, dark text on light) with Tesseract eng, whitelist A-Z0-9<.
// One engine per thread, initialised on first use; throws when the model is missing.
std::string tesseract_line(const cv::Mat& gray);

}  // namespace shiming::mrz
