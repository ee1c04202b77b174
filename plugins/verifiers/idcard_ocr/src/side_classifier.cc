#include "side_classifier.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "shiming/idcard_ocr/card_layout.h"
#include "text_lines.h"

namespace shiming::idcard_ocr {
namespace {

namespace L = layout;

struct Region {
  double x, y, w, h;
};

// Fraction of pixels that differ clearly from the card's background colour.
double busy(const cv::Mat& nonbg, Region r, bool flipped) {
  if (flipped) r = {L::kCardWidthMm - r.x - r.w, L::kCardHeightMm - r.y - r.h, r.w, r.h};
  cv::Rect rr = rect_mm(r.x, r.y, r.w, r.h);
  if (rr.empty()) return 0;
  return cv::countNonZero(nonbg(rr)) / static_cast<double>(rr.area());
}

double score(const cv::Mat& nonbg, const std::vector<Region>& full, const std::vector<Region>& empty,
             bool flipped) {
  double f = 0, e = 0;
  for (const auto& r : full) f += std::min(0.35, busy(nonbg, r, flipped));
  for (const auto& r : empty) e += busy(nonbg, r, flipped);
  return f / full.size() - 2.0 * e / empty.size();
}

}  // namespace

std::optional<bool> emblem_turn(const cv::Mat& bgr) {
  cv::Mat hsv;
  cv::cvtColor(bgr, hsv, cv::COLOR_BGR2HSV);
  cv::Mat hue_lo, hue_hi;
  cv::inRange(hsv, cv::Scalar(0, 100, 70), cv::Scalar(10, 255, 255), hue_lo);
  cv::inRange(hsv, cv::Scalar(170, 100, 70), cv::Scalar(180, 255, 255), hue_hi);
  cv::Mat red = hue_lo | hue_hi;
  const double total = cv::countNonZero(red);
  for (bool flipped : {false, true}) {
    Region e{L::kEmblem.x, L::kEmblem.y, L::kEmblem.w, L::kEmblem.h};
    if (flipped) e = {L::kCardWidthMm - e.x - e.w, L::kCardHeightMm - e.y - e.h, e.w, e.h};
    cv::Rect rr = rect_mm(e.x, e.y, e.w, e.h);
    if (rr.empty()) continue;
    const double inside = cv::countNonZero(red(rr));
    if (std::getenv("SHIMING_OCR_DEBUG_DIR"))
      std::fprintf(stderr, "emblem red %.3f of region, %.3f of the card's red (flipped %d)\n", inside / rr.area(),
                   total > 0 ? inside / total : 0.0, flipped);
    if (inside >= 0.25 * rr.area() && inside >= 0.7 * total) return flipped;
  }
  return std::nullopt;
}

SideGuess classify_side(const cv::Mat& bgr) {
  cv::Mat lab;
  cv::cvtColor(bgr, lab, cv::COLOR_BGR2Lab);
  // The background is the median colour of the card.
  std::vector<cv::Mat> ch;
  cv::split(lab, ch);
  cv::Mat diff = cv::Mat::zeros(lab.size(), CV_32F);
  for (int c = 0; c < 3; ++c) {
    cv::Mat hist;
    int size = 256;
    float range[] = {0, 256};
    const float* ranges[] = {range};
    cv::calcHist(&ch[c], 1, nullptr, cv::Mat(), hist, 1, &size, ranges);
    double acc = 0, half = lab.total() / 2.0;
    int median = 0;
    for (int i = 0; i < 256; ++i) {
      acc += hist.at<float>(i);
      if (acc >= half) { median = i; break; }
    }
    cv::Mat d;
    cv::absdiff(ch[c], cv::Scalar(median), d);
    d.convertTo(d, CV_32F, c == 0 ? 1.0 : 2.0);
    diff += d;
  }
  // Local flattening: compare with the local background too, so a light gradient is not ink.
  cv::Mat flat = flatten_light(bgr);
  cv::Mat nonbg = (diff > 60) | ink_mask(flat, 175);
  cv::morphologyEx(nonbg, nonbg, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, {2, 2}));

  const std::vector<Region> front_full = {
      {L::kPortrait.x + 4, L::kPortrait.y + 4, L::kPortrait.w - 8, L::kPortrait.h - 6},  // portrait
      {L::kNumberX, L::kNumberRowY - 1.8, 45, 3.6},                                     // the number
      {L::kLabelX, L::kNameRowY - 1.5, 7, 3},                                           // labels
      {L::kLabelX, L::kSexRowY - 1.5, 7, 3},
      {L::kLabelX, L::kBirthRowY - 1.5, 7, 3}};
  const std::vector<Region> front_empty = {{2, 38, 40, 3.5}, {2, 50.5, 50, 3}, {30, 0.5, 22, 3}};
  const std::vector<Region> back_full = {
      {L::kEmblem.x + 2, L::kEmblem.y + 2, L::kEmblem.w - 4, L::kEmblem.h - 4},
      {L::kTitleX, L::kTitleRowY - 1.8, 45, 3.6},
      {L::kTitleX, L::kSubtitleRowY - 2.8, 40, 5.6},
      {L::kBackLabelX, L::kAuthorityRowY - 1.3, 10, 2.6},
      {L::kBackLabelX, L::kValidityRowY - 1.3, 10, 2.6}};
  const std::vector<Region> back_empty = {{5, 25, 75, 10}, {2, 39, 9, 11}, {60, 1, 22, 3}};

  double f0 = score(nonbg, front_full, front_empty, false), f1 = score(nonbg, front_full, front_empty, true);
  double b0 = score(nonbg, back_full, back_empty, false), b1 = score(nonbg, back_full, back_empty, true);
  if (std::getenv("SHIMING_OCR_DEBUG_DIR"))
    std::fprintf(stderr, "side front %.3f flipped %.3f back %.3f flipped %.3f\n", f0, f1, b0, b1);
  SideGuess g;
  double front = std::max(f0, f1), back = std::max(b0, b1);
  if (front >= back) {
    g.side = Side::front;
    g.upside_down = f1 > f0;
    g.score = front;
    g.margin = front - back;
  } else {
    g.side = Side::back;
    g.upside_down = b1 > b0;
    g.score = back;
    g.margin = back - front;
  }
  // The back's national emblem is the card's only red: a back read as a front by a small
  // margin (the 180°-turned front layout falls on the back's print too) is turned back by it.
  // Red elsewhere as well (clothes in the portrait) decides nothing.
  if (g.side == Side::front && g.margin < 0.15) {
    if (auto turned = emblem_turn(bgr)) {
      g.side = Side::back;
      g.upside_down = *turned;
      g.score = std::max(*turned ? b1 : b0, 0.08);
      g.margin = 0;
    }
  }
  g.looks_like_card = g.score > 0.07;
  return g;
}

}  // namespace shiming::idcard_ocr
