#include "shiming/face/image_decode.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "shiming/face/face_error.h"

namespace shiming::face {
namespace {

sdk::Error truncated() {
  return face_error("IMAGE_TRUNCATED", "The image file is cut short.", "图片文件不完整。");
}

bool is_sof(std::uint8_t m) {
  return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

sdk::Result<ImageHeader> jpeg_header(std::span<const std::uint8_t> d) {
  std::size_t i = 2;
  while (i + 4 <= d.size()) {
    if (d[i] != 0xFF) {
      return face_error("IMAGE_CORRUPT", "The JPEG structure is damaged.", "JPEG 图片结构损坏。");
    }
    std::uint8_t marker = d[i + 1];
    if (marker == 0xFF) { ++i; continue; }  // fill byte
    if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) { i += 2; continue; }
    if (marker == 0xD9 || marker == 0xDA) break;  // image data before any frame header
    std::size_t len = (std::size_t(d[i + 2]) << 8) | d[i + 3];
    if (len < 2) {
      return face_error("IMAGE_CORRUPT", "The JPEG structure is damaged.", "JPEG 图片结构损坏。");
    }
    if (is_sof(marker)) {
      if (i + 9 > d.size()) return truncated();
      ImageHeader h;
      h.format = "jpeg";
      h.height = (d[i + 5] << 8) | d[i + 6];
      h.width = (d[i + 7] << 8) | d[i + 8];
      return h;
    }
    i += 2 + len;
  }
  return truncated();
}

}  // namespace

std::size_t jpeg_length(std::span<const std::uint8_t> d) {
  std::size_t i = 0;
  if (i + 2 > d.size() || d[i] != 0xFF || d[i + 1] != 0xD8) return 0;
  i += 2;
  while (i + 2 <= d.size()) {
    if (d[i] != 0xFF) return 0;
    std::uint8_t m = d[i + 1];
    if (m == 0xFF) { ++i; continue; }
    if (m == 0xD9) return i + 2;
    if ((m >= 0xD0 && m <= 0xD7) || m == 0x01) { i += 2; continue; }
    if (i + 4 > d.size()) return 0;
    std::size_t len = (std::size_t(d[i + 2]) << 8) | d[i + 3];
    if (len < 2) return 0;
    i += 2 + len;
    if (m == 0xDA) {
      // Entropy-coded data: FF is followed by 00 (stuffing) or a restart marker.
      while (i + 1 < d.size()) {
        if (d[i] == 0xFF && d[i + 1] != 0x00 && !(d[i + 1] >= 0xD0 && d[i + 1] <= 0xD7)) break;
        ++i;
      }
      if (i + 1 >= d.size()) return 0;
    }
  }
  return 0;
}

sdk::Result<ImageHeader> read_image_header(std::span<const std::uint8_t> d) {
  if (d.empty()) return face_error("IMAGE_EMPTY", "The image is empty.", "图片为空。");
  if (d.size() >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) return jpeg_header(d);
  static const std::uint8_t kPng[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (d.size() >= 8 && std::equal(kPng, kPng + 8, d.begin())) {
    if (d.size() < 24) return truncated();
    if (!(d[12] == 'I' && d[13] == 'H' && d[14] == 'D' && d[15] == 'R')) {
      return face_error("IMAGE_CORRUPT", "The PNG header is damaged.", "PNG 图片头损坏。");
    }
    auto be32 = [&](std::size_t o) {
      return (std::uint32_t(d[o]) << 24) | (std::uint32_t(d[o + 1]) << 16) |
             (std::uint32_t(d[o + 2]) << 8) | d[o + 3];
    };
    std::uint32_t w = be32(16), h = be32(20);
    if (w > 1u << 30 || h > 1u << 30) {
      return face_error("IMAGE_TOO_LARGE", "The image dimensions are implausible.", "图片尺寸异常。");
    }
    return ImageHeader{"png", int(w), int(h)};
  }
  return face_error("IMAGE_FORMAT_UNSUPPORTED", "Only JPEG and PNG images are accepted.",
                    "仅支持 JPEG 和 PNG 格式的图片。");
}

sdk::Result<cv::Mat> decode_image(std::span<const std::uint8_t> data, const ImageLimits& limits) {
  if (data.size() > limits.max_bytes) {
    return face_error("IMAGE_TOO_LARGE",
                      "The image file exceeds " + std::to_string(limits.max_bytes) + " bytes.",
                      "图片文件超过大小上限（" + std::to_string(limits.max_bytes) + " 字节）。");
  }
  auto header = read_image_header(data);
  if (!header) return header.error();
  if (header->width > limits.max_width || header->height > limits.max_height) {
    return face_error("IMAGE_TOO_LARGE",
                      "The image is " + std::to_string(header->width) + "x" +
                          std::to_string(header->height) + " pixels; the limit is " +
                          std::to_string(limits.max_width) + "x" + std::to_string(limits.max_height) + ".",
                      "图片尺寸过大（上限 " + std::to_string(limits.max_width) + "x" +
                          std::to_string(limits.max_height) + " 像素）。");
  }
  if (header->width < limits.min_width || header->height < limits.min_height) {
    return face_error("IMAGE_TOO_SMALL",
                      "The image is " + std::to_string(header->width) + "x" +
                          std::to_string(header->height) + " pixels; at least " +
                          std::to_string(limits.min_width) + "x" + std::to_string(limits.min_height) +
                          " is needed.",
                      "图片尺寸过小，无法识别人脸。");
  }
  if (header->format == "jpeg" && jpeg_length(data) == 0) {
    return face_error("IMAGE_CORRUPT", "The JPEG file is cut short or damaged.", "JPEG 图片不完整或已损坏。");
  }
  cv::Mat raw(1, int(data.size()), CV_8UC1, const_cast<std::uint8_t*>(data.data()));
  cv::Mat img;
  try {
    img = cv::imdecode(raw, cv::IMREAD_COLOR);
  } catch (const cv::Exception&) {
    img.release();
  }
  if (img.empty() || img.cols != header->width || img.rows != header->height) {
    return face_error("IMAGE_CORRUPT", "The image could not be decoded.", "图片无法解码，文件可能已损坏。");
  }
  return img;
}

}  // namespace shiming::face
