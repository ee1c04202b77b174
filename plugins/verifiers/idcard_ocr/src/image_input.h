// Safe decoding of an uploaded photo: the format and dimensions are read from the header and
// checked before any pixel is decoded.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include <opencv2/core.hpp>

#include "shiming/idcard_ocr/idcard_ocr.h"

namespace shiming::idcard_ocr {

struct Decoded {
  cv::Mat bgr;         // empty on failure
  std::string reason;  // NOT_AN_IMAGE, IMAGE_TRUNCATED, IMAGE_TOO_LARGE, IMAGE_TOO_SMALL
  int width = 0, height = 0;  // from the header
};

Decoded decode_photo(std::span<const std::uint8_t> bytes, const ReaderOptions& options);

}  // namespace shiming::idcard_ocr
