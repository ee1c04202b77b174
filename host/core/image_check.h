#pragma once
// Checks an uploaded image before it is accepted: the declared type matches
// the bytes, the pixel dimensions are read from the header and refused when
// too large before anything is decoded, then the image is decoded fully.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "shiming/sdk/result.h"

namespace shiming {

struct ImageInfo {
  std::string format;  // "jpeg" | "png"
  int width = 0;
  int height = 0;
};

struct ImageLimits {
  std::size_t max_pixels = 40'000'000;
  int min_side = 200;  // a 1x1 "photo" cannot show an ID card
};

// Reads format and dimensions from the header only. Errors:
// UNSUPPORTED_MEDIA_TYPE (not JPEG/PNG), IMAGE_CORRUPT (header unreadable).
sdk::Result<ImageInfo> probe_image(std::string_view bytes);

// The whole check; `content_type` is the request's Content-Type. The error's
// code maps to HTTP: UNSUPPORTED_MEDIA_TYPE 415, IMAGE_TOO_LARGE /
// IMAGE_TOO_SMALL / IMAGE_CORRUPT 422.
sdk::Result<ImageInfo> check_image(std::string_view content_type, std::string_view bytes,
                                   const ImageLimits& limits);

}  // namespace shiming
