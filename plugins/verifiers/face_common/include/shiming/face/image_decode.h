#pragma once
// Still images (JPEG, PNG): the header is read and the dimensions checked
// before any pixel is decoded, so a decompression bomb never allocates.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include <opencv2/core.hpp>

#include "shiming/sdk/result.h"

namespace shiming::face {

struct ImageLimits {
  std::size_t max_bytes = 15u * 1024 * 1024;
  int min_width = 64;
  int min_height = 64;
  int max_width = 6000;
  int max_height = 6000;
};

struct ImageHeader {
  std::string format;  // "jpeg" | "png"
  int width = 0;
  int height = 0;
};

// Parses the JPEG SOFn or PNG IHDR. Errors: IMAGE_EMPTY, IMAGE_FORMAT_UNSUPPORTED,
// IMAGE_TRUNCATED.
sdk::Result<ImageHeader> read_image_header(std::span<const std::uint8_t> data);

// Length of the complete JPEG file at the start of `data` (through its EOI
// marker, entropy-coded segments skipped by the marker rules), or 0 when it is
// malformed or cut short.
std::size_t jpeg_length(std::span<const std::uint8_t> data);

// Header check, then decode to 8-bit BGR. Errors as above plus IMAGE_TOO_LARGE,
// IMAGE_TOO_SMALL, IMAGE_CORRUPT (also a JPEG cut short).
sdk::Result<cv::Mat> decode_image(std::span<const std::uint8_t> data, const ImageLimits& limits = {});

}  // namespace shiming::face
