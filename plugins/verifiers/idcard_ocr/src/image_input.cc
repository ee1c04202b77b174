#include "image_input.h"

#include <opencv2/imgcodecs.hpp>

namespace shiming::idcard_ocr {
namespace {

bool starts_with(std::span<const std::uint8_t> b, std::initializer_list<std::uint8_t> sig) {
  if (b.size() < sig.size()) return false;
  std::size_t i = 0;
  for (auto s : sig)
    if (b[i++] != s) return false;
  return true;
}

// Width and height from the first SOF marker; false when the stream ends before one.
bool jpeg_size(std::span<const std::uint8_t> b, int& w, int& h) {
  std::size_t i = 2;
  while (i + 4 <= b.size()) {
    if (b[i] != 0xFF) return false;
    std::uint8_t m = b[i + 1];
    if (m == 0xFF) { ++i; continue; }
    if (m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) { i += 2; continue; }
    std::size_t len = (static_cast<std::size_t>(b[i + 2]) << 8) | b[i + 3];
    if (len < 2) return false;
    bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    if (sof) {
      if (i + 9 > b.size()) return false;
      h = (b[i + 5] << 8) | b[i + 6];
      w = (b[i + 7] << 8) | b[i + 8];
      return true;
    }
    i += 2 + len;
  }
  return false;
}

bool jpeg_complete(std::span<const std::uint8_t> b) {
  // The end-of-image marker, allowing a few padding bytes after it.
  std::size_t from = b.size() > 64 ? b.size() - 64 : 0;
  for (std::size_t i = b.size() - 1; i > from; --i)
    if (b[i - 1] == 0xFF && b[i] == 0xD9) return true;
  return false;
}

bool png_complete(std::span<const std::uint8_t> b) {
  static const std::uint8_t iend[] = {'I', 'E', 'N', 'D'};
  if (b.size() < 12) return false;
  auto tail = b.subspan(b.size() - 8, 4);
  return std::equal(tail.begin(), tail.end(), iend);
}

}  // namespace

Decoded decode_photo(std::span<const std::uint8_t> b, const ReaderOptions& o) {
  Decoded d;
  bool jpeg = starts_with(b, {0xFF, 0xD8, 0xFF});
  bool png = starts_with(b, {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
  if (!jpeg && !png) {
    d.reason = "NOT_AN_IMAGE";
    return d;
  }
  if (png) {
    if (b.size() < 24) {
      d.reason = "IMAGE_TRUNCATED";
      return d;
    }
    d.width = static_cast<int>((b[16] << 24) | (b[17] << 16) | (b[18] << 8) | b[19]);
    d.height = static_cast<int>((b[20] << 24) | (b[21] << 16) | (b[22] << 8) | b[23]);
  } else if (!jpeg_size(b, d.width, d.height)) {
    d.reason = "IMAGE_TRUNCATED";
    return d;
  }
  if (d.width <= 0 || d.height <= 0 || d.width > o.max_side || d.height > o.max_side ||
      static_cast<std::uint64_t>(d.width) * static_cast<std::uint64_t>(d.height) > o.max_pixels) {
    d.reason = d.width > 0 && d.height > 0 ? "IMAGE_TOO_LARGE" : "NOT_AN_IMAGE";
    return d;
  }
  if (std::min(d.width, d.height) < 240) {
    d.reason = "IMAGE_TOO_SMALL";
    return d;
  }
  if (jpeg ? !jpeg_complete(b) : !png_complete(b)) {
    d.reason = "IMAGE_TRUNCATED";
    return d;
  }
  cv::Mat buf(1, static_cast<int>(b.size()), CV_8U, const_cast<std::uint8_t*>(b.data()));
  try {
    d.bgr = cv::imdecode(buf, cv::IMREAD_COLOR);
  } catch (const cv::Exception&) {
    d.bgr.release();
  }
  if (d.bgr.empty()) d.reason = "IMAGE_TRUNCATED";
  return d;
}

}  // namespace shiming::idcard_ocr
