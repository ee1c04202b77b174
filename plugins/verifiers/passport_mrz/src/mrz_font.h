// OCR-B glyphs from fonts-ocr-b: the generator draws the zone with them and the reader renders
// them as templates. Page geometry of the zone on a generated ID-3 page (10 px/mm).
#pragma once

#include <opencv2/core.hpp>

namespace shiming::mrz {

inline constexpr int kMrzLeft = 55;
inline constexpr double kMrzPitch = 25.4;   // 2.54 mm per character (ICAO: 10 cpi)
inline constexpr int kMrzTop = 745;         // baseline of line 1
inline constexpr int kMrzLineGap = 60;
inline constexpr int kMrzFontHeight = 38;

// Path of the OCR-B font, or "" when fonts-ocr-b is missing.
const char* ocrb_font_path();

// Draws one character with its baseline-left at `origin` (throws when the font is missing).
void draw_mrz_char(cv::Mat& bgr, char c, cv::Point origin, cv::Scalar color, int height = kMrzFontHeight);

}  // namespace shiming::mrz
