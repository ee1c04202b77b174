#include "shiming/print/qr.h"

#include <qrencode.h>

#include <memory>

namespace shiming::print {

sdk::Result<std::vector<std::vector<bool>>> qr_modules(const std::string& text) {
  std::unique_ptr<QRcode, void (*)(QRcode*)> code(
      QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M), QRcode_free);
  if (!code)
    return sdk::make_error("QR_FAILED", "The QR code could not be made (text too long?).", "二维码生成失败。");
  std::vector<std::vector<bool>> m(code->width, std::vector<bool>(code->width));
  for (int y = 0; y < code->width; ++y)
    for (int x = 0; x < code->width; ++x) m[y][x] = code->data[y * code->width + x] & 1;
  return m;
}

std::string qr_svg(const std::vector<std::vector<bool>>& m) {
  int n = static_cast<int>(m.size()), quiet = 4;
  std::string path;
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x)
      if (m[y][x]) path += "M" + std::to_string(x + quiet) + " " + std::to_string(y + quiet) + "h1v1h-1z";
  int size = n + 2 * quiet;
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(size) + " " +
         std::to_string(size) + "\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
         "<path fill=\"#000\" d=\"" + path + "\"/></svg>";
}

}  // namespace shiming::print
