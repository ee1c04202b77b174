#include "text_lines.h"

#include <algorithm>

#include <opencv2/imgproc.hpp>

namespace shiming::idcard_ocr {

cv::Rect rect_mm(double x, double y, double w, double h) {
  cv::Size s = canonical_size();
  return cv::Rect(px(x), px(y), px(w), px(h)) & cv::Rect(0, 0, s.width, s.height);
}

cv::Mat flatten_light(const cv::Mat& bgr) {
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  cv::Mat small, bg;
  cv::resize(gray, small, {}, 0.25, 0.25, cv::INTER_AREA);
  cv::morphologyEx(small, bg, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_RECT, {9, 9}));
  cv::GaussianBlur(bg, bg, {5, 5}, 0);
  cv::resize(bg, bg, gray.size(), 0, 0, cv::INTER_LINEAR);
  cv::Mat flat;
  cv::divide(gray, bg, flat, 255.0);
  return flat;
}

cv::Mat ink_mask(const cv::Mat& flat, int level) {
  cv::Mat m;
  cv::threshold(flat, m, level, 255, cv::THRESH_BINARY_INV);
  return m;
}

std::vector<Band> find_bands(const cv::Mat& mask, cv::Rect roi, int min_pixels, int min_height) {
  roi &= cv::Rect(0, 0, mask.cols, mask.rows);
  std::vector<Band> out;
  if (roi.empty()) return out;
  cv::Mat sub = mask(roi);
  int start = -1;
  for (int y = 0; y <= sub.rows; ++y) {
    bool on = y < sub.rows && cv::countNonZero(sub.row(y)) >= min_pixels;
    if (on && start < 0) start = y;
    if (!on && start >= 0) {
      if (y - start >= min_height) out.push_back({roi.y + start, roi.y + y});
      start = -1;
    }
  }
  return out;
}

cv::Rect ink_box(const cv::Mat& mask, cv::Rect roi, int pad, int min_col_pixels) {
  roi &= cv::Rect(0, 0, mask.cols, mask.rows);
  if (roi.empty()) return {};
  cv::Mat sub = mask(roi);
  int x0 = -1, x1 = -1, y0 = -1, y1 = -1;
  for (int x = 0; x < sub.cols; ++x)
    if (cv::countNonZero(sub.col(x)) >= min_col_pixels) {
      if (x0 < 0) x0 = x;
      x1 = x;
    }
  for (int y = 0; y < sub.rows; ++y)
    if (cv::countNonZero(sub.row(y)) > 0) {
      if (y0 < 0) y0 = y;
      y1 = y;
    }
  if (x0 < 0 || y0 < 0) return {};
  cv::Rect r(roi.x + x0 - pad, roi.y + y0 - pad, x1 - x0 + 1 + 2 * pad, y1 - y0 + 1 + 2 * pad);
  return r & cv::Rect(0, 0, mask.cols, mask.rows);
}

cv::Mat prepare(const cv::Mat& flat, cv::Rect box, Prep prep, int text_height, int target_height) {
  box &= cv::Rect(0, 0, flat.cols, flat.rows);
  if (box.empty()) return {};
  cv::Mat crop = flat(box).clone();
  double f = text_height > 0 ? static_cast<double>(target_height) / text_height : 1.0;
  f = std::clamp(f, 0.6, 3.0);
  if (prep == Prep::sharp) f *= 1.3;
  if (std::abs(f - 1.0) > 0.08) cv::resize(crop, crop, {}, f, f, f > 1 ? cv::INTER_CUBIC : cv::INTER_AREA);
  if (prep == Prep::binary) {
    cv::GaussianBlur(crop, crop, {3, 3}, 0);
    cv::threshold(crop, crop, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  } else if (prep == Prep::adaptive) {
    // Local threshold: uneven light and glare across the line (block about two text heights).
    int block = std::max(15, (target_height * 2) | 1);
    cv::GaussianBlur(crop, crop, {3, 3}, 0);
    cv::adaptiveThreshold(crop, crop, 255, cv::ADAPTIVE_THRESH_GAUSSIAN_C, cv::THRESH_BINARY, block, 12);
  } else if (prep == Prep::sharp) {
    cv::Mat blur;
    cv::GaussianBlur(crop, blur, {0, 0}, 2.0);
    cv::addWeighted(crop, 1.8, blur, -0.8, 0, crop);
  }
  cv::Mat out;
  int m = std::max(8, target_height / 3);
  cv::copyMakeBorder(crop, out, m, m, m, m, cv::BORDER_CONSTANT, cv::Scalar(255));
  return out;
}

}  // namespace shiming::idcard_ocr
