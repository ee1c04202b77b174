// Test photos built from the generator's cards: several cards, cut-off cards, odd pages.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#include <opencv2/freetype.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "shiming/idcard_ocr/card_generator.h"

namespace shiming::idcard_ocr::testing {

inline cv::Mat canvas(cv::Size size, cv::Scalar color) {
  cv::Mat m(size, CV_8UC3, color);
  cv::Mat noise(size, CV_8UC3);
  cv::randn(noise, cv::Scalar::all(0), cv::Scalar::all(6));
  m += noise;
  return m;
}

// Alpha-blends a CV_8UC4 card onto `bg` with its top-left at `tl` (parts outside are clipped).
inline void paste(cv::Mat& bg, const cv::Mat& card, cv::Point tl) {
  cv::Rect dst(tl, card.size());
  cv::Rect clip = dst & cv::Rect(0, 0, bg.cols, bg.rows);
  if (clip.empty()) return;
  cv::Rect src(clip.x - tl.x, clip.y - tl.y, clip.width, clip.height);
  for (int y = 0; y < clip.height; ++y)
    for (int x = 0; x < clip.width; ++x) {
      const auto& c = card.at<cv::Vec4b>(src.y + y, src.x + x);
      auto& b = bg.at<cv::Vec3b>(clip.y + y, clip.x + x);
      double a = c[3] / 255.0;
      for (int k = 0; k < 3; ++k) b[k] = cv::saturate_cast<uchar>(b[k] * (1 - a) + c[k] * a);
    }
}

// Writes every test photo to $SHIMING_TEST_SAVE_DIR when set (for people debugging a failure).
inline void save_for_debugging(const std::vector<std::uint8_t>& bytes, const char* ext) {
  static int n = 0;
  const char* dir = std::getenv("SHIMING_TEST_SAVE_DIR");
  if (!dir || !*dir) return;
  std::string path = std::string(dir) + "/photo_" + std::to_string(n++) + ext;
  if (FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
  }
}

inline std::vector<std::uint8_t> jpeg(const cv::Mat& img) {
  auto out = gen::encode_jpeg(img, 92);
  save_for_debugging(out, ".jpg");
  return out;
}

inline std::vector<std::uint8_t> png(const cv::Mat& img) {
  std::vector<std::uint8_t> out;
  cv::imencode(".png", img, out);
  save_for_debugging(out, ".png");
  return out;
}

inline void text(cv::Mat& img, const std::string& s, cv::Point org, int height, const char* font, int index) {
  auto ft = cv::freetype::createFreeType2();
  ft->loadFontData(font, index);
  ft->putText(img, s, org, height, cv::Scalar(20, 20, 20), -1, cv::LINE_AA, true);
}

// A passport data page (125 x 88 mm): portrait, printed fields, two MRZ lines.
inline cv::Mat passport_page(double s) {
  cv::Mat page(static_cast<int>(88 * s), static_cast<int>(125 * s), CV_8UC3, cv::Scalar(215, 225, 230));
  cv::rectangle(page, cv::Rect(int(6 * s), int(14 * s), int(32 * s), int(42 * s)), cv::Scalar(120, 120, 130), cv::FILLED);
  text(page, "中华人民共和国 护照 PASSPORT", {int(40 * s), int(10 * s)}, int(4 * s), gen::Fonts::sans(), 2);
  text(page, "姓名 Name  张三 ZHANG SAN", {int(42 * s), int(22 * s)}, int(3.2 * s), gen::Fonts::sans(), 2);
  text(page, "出生日期 Date of birth 01 JAN 1990", {int(42 * s), int(32 * s)}, int(3.2 * s), gen::Fonts::sans(), 2);
  text(page, "签发机关 Authority 国家移民管理局", {int(42 * s), int(42 * s)}, int(3.2 * s), gen::Fonts::sans(), 2);
  text(page, "P<CHNZHANG<<SAN<<<<<<<<<<<<<<<<<<<<<<<<<<<<", {int(5 * s), int(74 * s)}, int(4 * s), gen::Fonts::ocrb(), 0);
  text(page, "E123456786CHN9001014M3001014<<<<<<<<<<<<<<06", {int(5 * s), int(82 * s)}, int(4 * s), gen::Fonts::ocrb(), 0);
  cv::Mat out;
  cv::cvtColor(page, out, cv::COLOR_BGR2BGRA);
  return out;
}

}  // namespace shiming::idcard_ocr::testing
