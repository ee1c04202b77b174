#include "core/image_check.h"

#include <vector>

#include <opencv2/imgcodecs.hpp>

namespace shiming {
namespace {

sdk::Error corrupt(const std::string& why) {
  return {"IMAGE_CORRUPT", "The image file is damaged or incomplete (" + why + "). Please take or choose the photo again.",
          "图片文件已损坏或不完整，请重新拍摄或选择照片。", "body"};
}

unsigned be16(const unsigned char* p) { return (p[0] << 8) | p[1]; }
unsigned be32(const unsigned char* p) {
  return (unsigned(p[0]) << 24) | (unsigned(p[1]) << 16) | (unsigned(p[2]) << 8) | p[3];
}

sdk::Result<ImageInfo> probe_png(const unsigned char* p, std::size_t n) {
  // signature(8) + length(4) + "IHDR"(4) + width(4) + height(4)
  if (n < 33 || std::string_view(reinterpret_cast<const char*>(p + 12), 4) != "IHDR")
    return corrupt("PNG header");
  ImageInfo info{"png", int(be32(p + 16) & 0x7fffffff), int(be32(p + 20) & 0x7fffffff)};
  if (be32(p + 16) > 0x7fffffff || be32(p + 20) > 0x7fffffff) return corrupt("PNG dimensions");
  return info;
}

sdk::Result<ImageInfo> probe_jpeg(const unsigned char* p, std::size_t n) {
  std::size_t i = 2;
  while (i + 4 <= n) {
    if (p[i] != 0xFF) return corrupt("JPEG marker");
    unsigned marker = p[i + 1];
    if (marker == 0xFF) { ++i; continue; }  // fill byte
    if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) { i += 2; continue; }
    if (marker == 0xD9 || marker == 0xDA) break;  // end, or scan data before any frame header
    unsigned len = be16(p + i + 2);
    if (len < 2 || i + 2 + len > n) return corrupt("JPEG segment length");
    bool sof = (marker >= 0xC0 && marker <= 0xCF) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (sof) {
      if (len < 7) return corrupt("JPEG frame header");
      ImageInfo info{"jpeg", int(be16(p + i + 7)), int(be16(p + i + 5))};
      return info;
    }
    i += 2 + len;
  }
  return corrupt("JPEG frame header not found");
}

}  // namespace

sdk::Result<ImageInfo> probe_image(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t n = bytes.size();
  if (n >= 8 && std::string_view(bytes.data(), 8) == "\x89PNG\r\n\x1a\n") return probe_png(p, n);
  if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) return probe_jpeg(p, n);
  return sdk::Error{"UNSUPPORTED_MEDIA_TYPE", "Only JPEG and PNG photos are accepted.",
                    "仅支持 JPEG 或 PNG 格式的照片。", "body"};
}

sdk::Result<ImageInfo> check_image(std::string_view content_type, std::string_view bytes,
                                   const ImageLimits& limits) {
  auto semicolon = content_type.find(';');
  std::string_view type = content_type.substr(0, semicolon);
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  if (type != "image/jpeg" && type != "image/png")
    return sdk::Error{"UNSUPPORTED_MEDIA_TYPE",
                      "Send the photo with Content-Type image/jpeg or image/png.",
                      "请以 image/jpeg 或 image/png 类型上传照片。", "Content-Type"};
  auto info = probe_image(bytes);
  if (!info) return info;
  if ((type == "image/png") != (info->format == "png"))
    return sdk::Error{"UNSUPPORTED_MEDIA_TYPE", "The file content does not match its declared type.",
                      "文件内容与声明的类型不符。", "Content-Type"};
  if (info->width <= 0 || info->height <= 0) return corrupt("zero dimension");
  if (static_cast<std::size_t>(info->width) * static_cast<std::size_t>(info->height) > limits.max_pixels)
    return sdk::Error{"IMAGE_TOO_LARGE",
                      "The photo has too many pixels (" + std::to_string(info->width) + "x" +
                          std::to_string(info->height) + "). Use a smaller photo.",
                      "照片像素过大，请使用较小的照片。", "body"};
  if (info->width < limits.min_side || info->height < limits.min_side)
    return sdk::Error{"IMAGE_TOO_SMALL",
                      "The photo is too small (" + std::to_string(info->width) + "x" +
                          std::to_string(info->height) + "); at least " +
                          std::to_string(limits.min_side) + " pixels on each side are needed.",
                      "照片尺寸过小，请重新拍摄清晰的照片。", "body"};
  if (info->format == "jpeg") {
    // libjpeg fills a truncated scan with grey and only warns: require the end marker.
    std::size_t end = bytes.size();
    while (end > 2 && (bytes[end - 1] == '\0' || bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) --end;
    if (end < 4 || static_cast<unsigned char>(bytes[end - 2]) != 0xFF ||
        static_cast<unsigned char>(bytes[end - 1]) != 0xD9)
      return corrupt("JPEG is truncated");
  }
  std::vector<unsigned char> buf(bytes.begin(), bytes.end());
  cv::Mat img;
  try {
    img = cv::imdecode(buf, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception&) {
    img.release();
  }
  if (img.empty() || img.cols != info->width || img.rows != info->height) return corrupt("decode failed");
  return info;
}

}  // namespace shiming
