#include "mrz_font.h"

#include <filesystem>
#include <stdexcept>
#include <string>

#include <opencv2/freetype.hpp>
#include <opencv2/imgproc.hpp>

namespace shiming::mrz {

const char* ocrb_font_path() {
  for (const char* p : {"/usr/share/fonts/opentype/ocr-b/OCRB.otf", "/usr/share/fonts/truetype/ocr-b/OCRB.ttf"})
    if (std::filesystem::exists(p)) return p;
  return "";
}

void draw_mrz_char(cv::Mat& bgr, char c, cv::Point origin, cv::Scalar color, int height) {
  thread_local cv::Ptr<cv::freetype::FreeType2> ft;
  if (!ft) {
    std::string path = ocrb_font_path();
    if (path.empty()) throw std::runtime_error("OCR-B font not found (install fonts-ocr-b)");
    ft = cv::freetype::createFreeType2();
    ft->loadFontData(path, 0);
  }
  ft->putText(bgr, std::string(1, c), origin, height, color, -1, cv::LINE_AA, true);
}

}  // namespace shiming::mrz
