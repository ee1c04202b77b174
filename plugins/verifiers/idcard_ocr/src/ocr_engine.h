// Tesseract engines, one set per thread, initialised once on first use.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>

namespace shiming::idcard_ocr {

enum class Script { chinese, latin };  // chi_sim / eng

struct OcrText {
  std::string text;
  double confidence = 0;  // 0..1, the mean of the symbols' confidences
  double min_confidence = 0;
  // Each recognised symbol (UTF-8) with its confidence 0..1, in reading order.
  std::vector<std::pair<std::string, double>> symbols;
  // With `with_choices`: for each symbol, the model's other candidates there (UTF-8, 0..1),
  // best first, the symbol itself included.
  std::vector<std::vector<std::pair<std::string, double>>> choices;
};

// Reads one line of text from a grey (CV_8U) image. `whitelist` limits the characters (empty =
// all); `single_char` reads one character (PSM 10).
// `raw_line` (PSM 13) skips Tesseract's layout analysis, which drops a line of only two or three
// large glyphs; the crop must then be tight around the line.
OcrText ocr_line(const cv::Mat& gray, Script script, const std::string& whitelist = {},
                 bool single_char = false, bool raw_line = false, bool with_choices = false);

// The tessdata directory in use (TESSDATA_PREFIX, else the Debian path); empty if the models
// are missing.
std::string tessdata_dir();

}  // namespace shiming::idcard_ocr
