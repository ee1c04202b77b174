#include <algorithm>
#include <cmath>
#include <optional>

#include <opencv2/imgproc.hpp>

#include "mrz_band.h"

namespace shiming::mrz {
namespace {

cv::Mat binarise(const cv::Mat& gray, cv::Mat* ink) {
  // Flatten the lighting: divide by the background (a closing removes the dark glyphs).
  cv::Mat bg;
  int k = std::max(15, gray.rows / 3) | 1;
  cv::morphologyEx(gray, bg, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_RECT, {k, k}));
  cv::Mat flat;
  cv::divide(gray, bg, flat, 255.0);
  cv::Mat bin;
  double t = cv::threshold(flat, bin, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  // Ink strength: 0 at the paper, 255 at the darkest ink, stretched around the threshold.
  double lo;
  cv::minMaxLoc(flat, &lo, nullptr);
  cv::Mat f;
  flat.convertTo(f, CV_32F);
  f = (255.0 - f) * (255.0 / std::max(1.0, 255.0 - lo));
  f.convertTo(*ink, CV_8U);
  (void)t;
  return bin;
}

// Rows of text in a binarised band: runs of rows with enough ink.
std::vector<cv::Rect> text_rows(const cv::Mat& bin) {
  cv::Mat proj;
  cv::reduce(bin, proj, 1, cv::REDUCE_SUM, CV_32F);
  double mx;
  cv::minMaxLoc(proj, nullptr, &mx);
  std::vector<std::pair<int, int>> runs;
  std::vector<double> ink;
  int start = -1;
  double sum = 0;
  for (int y = 0; y <= bin.rows; ++y) {
    bool on = y < bin.rows && proj.at<float>(y) > 0.12 * mx;
    if (on && start < 0) {
      start = y;
      sum = 0;
    }
    if (on) sum += proj.at<float>(y);
    if (!on && start >= 0) {
      runs.emplace_back(start, y);
      ink.push_back(sum);
      start = -1;
    }
  }
  double best = ink.empty() ? 0 : *std::max_element(ink.begin(), ink.end());
  int tallest = 0;
  for (auto [a, b] : runs) tallest = std::max(tallest, b - a);
  std::vector<cv::Rect> out;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    auto [a, b] = runs[i];
    if (ink[i] < 0.35 * best || b - a < 0.5 * tallest) continue;
    out.emplace_back(0, a, bin.cols, b - a);
  }
  return out;
}

}  // namespace

std::optional<Band> find_band(const cv::Mat& gray) {
  if (gray.empty()) return std::nullopt;
  const double s = gray.cols > 1000 ? 1000.0 / gray.cols : 1.0;
  cv::Mat small;
  cv::resize(gray, small, {}, s, s, cv::INTER_AREA);
  cv::GaussianBlur(small, small, {3, 3}, 0);
  const int W = small.cols;
  cv::Mat blackhat;
  cv::morphologyEx(small, blackhat, cv::MORPH_BLACKHAT, cv::getStructuringElement(cv::MORPH_RECT, {13, 5}));
  cv::Mat gx;
  cv::Sobel(blackhat, gx, CV_32F, 1, 0, -1);
  gx = cv::abs(gx);
  cv::Mat g8;
  cv::normalize(gx, gx, 0, 255, cv::NORM_MINMAX);
  gx.convertTo(g8, CV_8U);
  cv::morphologyEx(g8, g8, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_RECT, {21, 5}));
  cv::threshold(g8, g8, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  int sq = std::max(9, W / 40) | 1;
  cv::morphologyEx(g8, g8, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_RECT, {sq, sq}));
  cv::erode(g8, g8, {}, {-1, -1}, 2);

  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(g8, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
  struct Cand {
    cv::RotatedRect r;
    double score;
  };
  std::vector<Cand> cands;
  for (const auto& c : contours) {
    cv::RotatedRect r = cv::minAreaRect(c);
    float w = r.size.width, h = r.size.height, a = r.angle;
    if (w < h) {
      std::swap(w, h);
      a -= 90;
    }
    while (a > 45) a -= 90;
    while (a < -45) a += 90;
    if (w < 0.45 * W || w / std::max(h, 1.0f) < 4 || std::abs(a) > 30) continue;
    cands.push_back({cv::RotatedRect(r.center, {w, h}, a), static_cast<double>(w) * h});
  }
  std::sort(cands.begin(), cands.end(), [](const Cand& a, const Cand& b) { return a.score > b.score; });
  for (const auto& c : cands) {
    // Deskew in full resolution around the band's centre and cut it out with a margin.
    cv::Point2f center(c.r.center.x / s, c.r.center.y / s);
    float bw = c.r.size.width / s * 1.08f + 20, bh = c.r.size.height / s * 1.5f + 20;
    cv::Mat rot = cv::getRotationMatrix2D(center, c.r.angle, 1.0);
    rot.at<double>(0, 2) += bw / 2 - center.x;
    rot.at<double>(1, 2) += bh / 2 - center.y;
    Band band;
    cv::warpAffine(gray, band.gray, rot, cv::Size(static_cast<int>(bw), static_cast<int>(bh)), cv::INTER_CUBIC,
                   cv::BORDER_REPLICATE);
    band.binary = binarise(band.gray, &band.ink);
    band.lines = text_rows(band.binary);
    if (band.lines.size() > 3) band.lines.erase(band.lines.begin(), band.lines.end() - 3);
    if (band.lines.size() >= 2) return band;
  }
  return std::nullopt;
}

}  // namespace shiming::mrz
