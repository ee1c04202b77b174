#include <algorithm>
#include <cmath>
#include <optional>

#include <opencv2/imgproc.hpp>

#include "mrz_band.h"

namespace shiming::mrz {
namespace {

cv::Mat binarise(const cv::Mat& gray, cv::Mat* ink, int kernel = 0) {
  // Flatten the lighting: divide by the background (a closing removes the dark glyphs).
  cv::Mat bg;
  int k = (kernel > 0 ? kernel : std::max(15, gray.rows / 3)) | 1;
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

// Straightens one line: fits a straight line through its glyphs' centres, rotates the band so
// that line is level and cuts a strip around it.
void straighten(Band& band, const cv::Rect& r) {
  const int h = r.height;
  int y0 = std::max(0, r.y - h / 2), y1 = std::min(band.binary.rows, r.y + h + h / 2);
  cv::Mat region = band.binary(cv::Rect(0, y0, band.binary.cols, y1 - y0));
  cv::Mat labels, stats, centroids;
  int n = cv::connectedComponentsWithStats(region, labels, stats, centroids, 8, CV_32S);
  std::vector<cv::Point2d> pts;
  for (int i = 1; i < n; ++i) {
    int ch = stats.at<int>(i, cv::CC_STAT_HEIGHT);
    if (ch < 0.4 * h || ch > 1.5 * h) continue;
    pts.emplace_back(centroids.at<double>(i, 0), centroids.at<double>(i, 1) + y0);
  }
  double a = r.y + h / 2.0, b = 0;
  for (int iter = 0; iter < 2 && pts.size() >= 5; ++iter) {
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (const auto& p : pts) {
      sx += p.x; sy += p.y; sxx += p.x * p.x; sxy += p.x * p.y;
    }
    double m = static_cast<double>(pts.size()), den = m * sxx - sx * sx;
    if (std::abs(den) < 1e-9) break;
    b = (m * sxy - sx * sy) / den;
    a = (sy - b * sx) / m;
    std::vector<cv::Point2d> keep;
    for (const auto& p : pts)
      if (std::abs(p.y - (a + b * p.x)) < 0.3 * h) keep.push_back(p);
    pts.swap(keep);
  }
  const double cx = band.gray.cols / 2.0, cy = a + b * cx;
  cv::Mat rot = cv::getRotationMatrix2D(cv::Point2f(static_cast<float>(cx), static_cast<float>(cy)),
                                        std::atan(b) * 180 / CV_PI, 1.0);
  const int strip = h * 3 / 2;
  rot.at<double>(1, 2) -= cy - strip / 2.0;
  cv::Mat g;
  cv::warpAffine(band.gray, g, rot, cv::Size(band.gray.cols, strip), cv::INTER_CUBIC, cv::BORDER_REPLICATE);
  cv::Mat ink;
  cv::Mat bin = binarise(g, &ink, std::max(15, strip));
  band.line_gray.push_back(g);
  band.line_binary.push_back(bin);
  band.line_ink.push_back(ink);
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
    if (band.lines.size() >= 2) {
      for (const auto& r : band.lines) straighten(band, r);
      return band;
    }
  }
  return std::nullopt;
}

}  // namespace shiming::mrz
