// Helpers on the rectified card: millimetre geometry, illumination-flattened grey, ink masks,
// text bands, tight crops.
#pragma once

#include <utility>
#include <vector>

#include <opencv2/core.hpp>

#include "card_locator.h"

namespace shiming::idcard_ocr {

inline int px(double mm) { return static_cast<int>(std::lround(mm * kCanonicalPxPerMm)); }
inline double mm(double p) { return p / kCanonicalPxPerMm; }
// A rectangle in millimetres clipped to the canonical card.
cv::Rect rect_mm(double x, double y, double w, double h);

// Grey with the background flattened to white (divides by a closing of the image), so uneven
// light and soft glare do not reach the binariser.
cv::Mat flatten_light(const cv::Mat& bgr);
// Text pixels of a flattened grey image (darker than `level` of the local background).
cv::Mat ink_mask(const cv::Mat& flat, int level = 165);

struct Band {
  int y0, y1;  // rows [y0, y1)
  int height() const { return y1 - y0; }
  double center() const { return (y0 + y1) / 2.0; }
};
// Horizontal text bands of `mask` inside `roi`, in card coordinates. Rows with fewer than
// `min_pixels` ink pixels are gaps; bands lower than `min_height` are dropped.
std::vector<Band> find_bands(const cv::Mat& mask, cv::Rect roi, int min_pixels, int min_height);
// The tight box of the ink in `roi` (with `pad` pixels around), or an empty rect.
cv::Rect ink_box(const cv::Mat& mask, cv::Rect roi, int pad, int min_col_pixels = 1);

// A crop prepared for Tesseract: a margin of white, text height brought to ~`target_height`.
enum class Prep { flat, binary, sharp, adaptive };
cv::Mat prepare(const cv::Mat& flat, cv::Rect box, Prep prep, int text_height, int target_height = 40);

}  // namespace shiming::idcard_ocr
