// Card detection: several foreground masks (edges, brightness, colour distance from the border),
// contours reduced to quadrilaterals whose sides are refitted as straight lines (the card's
// corners are rounded), scored by the ID-1 aspect ratio and how well the contour fills the quad.
#include "card_locator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>

#include "shiming/idcard_ocr/card_layout.h"

namespace shiming::idcard_ocr {

cv::Size canonical_size() {
  return {static_cast<int>(std::lround(layout::kCardWidthMm * kCanonicalPxPerMm)),
          static_cast<int>(std::lround(layout::kCardHeightMm * kCanonicalPxPerMm))};
}

namespace {

double dist(cv::Point2f a, cv::Point2f b) { return std::hypot(a.x - b.x, a.y - b.y); }

// Orders four points tl, tr, br, bl with the long side first (tl->tr is a long side).
std::array<cv::Point2f, 4> order(std::vector<cv::Point2f> p) {
  cv::Point2f c(0, 0);
  for (auto& q : p) c += q;
  c *= 0.25f;
  std::sort(p.begin(), p.end(), [&](cv::Point2f a, cv::Point2f b) {
    return std::atan2(a.y - c.y, a.x - c.x) < std::atan2(b.y - c.y, b.x - c.x);
  });
  // Now clockwise in image coordinates starting near the left-top quadrant. Start at the point
  // with the smallest x+y.
  int start = 0;
  for (int i = 1; i < 4; ++i)
    if (p[i].x + p[i].y < p[start].x + p[start].y) start = i;
  std::array<cv::Point2f, 4> q;
  for (int i = 0; i < 4; ++i) q[i] = p[(start + i) % 4];
  // Long side first.
  if (dist(q[0], q[1]) + dist(q[2], q[3]) < dist(q[1], q[2]) + dist(q[3], q[0]))
    q = {q[1], q[2], q[3], q[0]};
  return q;
}

std::optional<cv::Point2f> intersect(cv::Vec4f a, cv::Vec4f b) {
  // Lines as (vx, vy, x0, y0).
  double det = a[0] * b[1] - a[1] * b[0];
  if (std::abs(det) < 1e-6) return std::nullopt;
  double t = ((b[2] - a[2]) * b[1] - (b[3] - a[3]) * b[0]) / det;
  return cv::Point2f(static_cast<float>(a[2] + t * a[0]), static_cast<float>(a[3] + t * a[1]));
}

// Straight sides fitted to the contour points near each side of the rough quad.
std::optional<std::array<cv::Point2f, 4>> refine(const std::vector<cv::Point>& contour,
                                                 const std::array<cv::Point2f, 4>& q) {
  std::array<cv::Vec4f, 4> lines;
  for (int s = 0; s < 4; ++s) {
    cv::Point2f a = q[s], b = q[(s + 1) % 4];
    double len = dist(a, b);
    if (len < 10) return std::nullopt;
    cv::Point2f d = (b - a) / static_cast<float>(len);
    std::vector<cv::Point2f> pts;
    double tol = std::max(2.0, len * 0.03);
    for (const auto& p : contour) {
      cv::Point2f v = cv::Point2f(p) - a;
      double t = v.x * d.x + v.y * d.y;
      double off = std::abs(v.x * d.y - v.y * d.x);
      if (t > len * 0.12 && t < len * 0.88 && off < tol) pts.push_back(p);
    }
    if (pts.size() < 5) return std::nullopt;
    cv::fitLine(pts, lines[s], cv::DIST_HUBER, 0, 0.01, 0.01);
  }
  std::array<cv::Point2f, 4> out;
  for (int i = 0; i < 4; ++i) {
    auto p = intersect(lines[(i + 3) % 4], lines[i]);
    if (!p || dist(*p, q[i]) > 0.15 * dist(q[0], q[2])) return std::nullopt;
    out[i] = *p;
  }
  return out;
}

// When other things touch the card, the region is the card plus blobs and its hull is no
// quadrilateral. The card's four straight sides are still long straight runs of the outline:
// pick four of them (two roughly parallel pairs) whose intersections make the most card-like
// quadrilateral, preferring sides that are well covered by the outline.
std::optional<std::array<cv::Point2f, 4>> quad_from_sides(const std::vector<cv::Point>& contour) {
  std::vector<cv::Point> poly;
  double peri = cv::arcLength(contour, true);
  cv::approxPolyDP(contour, poly, 0.006 * peri, true);
  struct Seg {
    cv::Point2f a, b;
    double len;
  };
  std::vector<Seg> segs;
  for (std::size_t i = 0; i < poly.size(); ++i) {
    cv::Point2f a = poly[i], b = poly[(i + 1) % poly.size()];
    double len = dist(a, b);
    if (len > 0.04 * peri) segs.push_back({a, b, len});
  }
  if (segs.size() < 4 || segs.size() > 24) return std::nullopt;
  auto line_of = [](const Seg& s) {
    cv::Point2f d = (s.b - s.a) / static_cast<float>(s.len);
    return cv::Vec4f(d.x, d.y, s.a.x, s.a.y);
  };
  auto angle_of = [](const Seg& s) { return std::atan2(s.b.y - s.a.y, s.b.x - s.a.x); };
  auto parallel = [&](const Seg& x, const Seg& y) {
    double d = std::abs(std::remainder(angle_of(x) - angle_of(y), CV_PI));
    return d < 0.25;
  };
  double best_score = 0;
  std::optional<std::array<cv::Point2f, 4>> best;
  const std::size_t n = segs.size();
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) {
      if (!parallel(segs[i], segs[j])) continue;
      for (std::size_t k = 0; k < n; ++k)
        for (std::size_t l = k + 1; l < n; ++l) {
          if (k == i || k == j || l == i || l == j || !parallel(segs[k], segs[l])) continue;
          if (parallel(segs[i], segs[k])) continue;
          auto L1 = line_of(segs[i]), L2 = line_of(segs[k]), L3 = line_of(segs[j]), L4 = line_of(segs[l]);
          auto p0 = intersect(L1, L2), p1 = intersect(L2, L3), p2 = intersect(L3, L4), p3 = intersect(L4, L1);
          if (!p0 || !p1 || !p2 || !p3) continue;
          std::vector<cv::Point2f> q = {*p0, *p1, *p2, *p3};
          if (!cv::isContourConvex(q)) continue;
          auto o = order(q);
          double w = (dist(o[0], o[1]) + dist(o[2], o[3])) / 2, h = (dist(o[1], o[2]) + dist(o[3], o[0])) / 2;
          if (h < 10) continue;
          double aspect = std::exp(-std::pow((w / h - layout::kAspect) / 0.12, 2));
          double covered = (segs[i].len + segs[j].len + segs[k].len + segs[l].len) / (2 * (w + h));
          double score = aspect * std::min(1.0, covered) * std::sqrt(w * h);
          if (score > best_score) {
            best_score = score;
            best = o;
          }
        }
    }
  return best;
}

struct Candidate {
  CardQuad quad;
  cv::Point2f center;
  double rank_score = 0;  // as quad.score with the strict aspect
};

void collect(const cv::Mat& mask, double scale, cv::Size full, std::vector<Candidate>& out, bool& cut_off,
             int mode = cv::RETR_EXTERNAL) {
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(mask, contours, mode, cv::CHAIN_APPROX_NONE);
  const double img_area = static_cast<double>(mask.cols) * mask.rows;
  for (const auto& c : contours) {
    double area = cv::contourArea(c);
    if (area < img_area * 0.003) continue;
    std::vector<cv::Point> hull;
    cv::convexHull(c, hull);
    std::vector<cv::Point> approx;
    double peri = cv::arcLength(hull, true);
    for (double eps = 0.01; eps < 0.1; eps += 0.01) {
      cv::approxPolyDP(hull, approx, eps * peri, true);
      if (approx.size() <= 4) break;
    }
    cv::Rect bb = cv::boundingRect(c);
    bool on_border = bb.x <= 1 || bb.y <= 1 || bb.br().x >= mask.cols - 1 || bb.br().y >= mask.rows - 1;
    std::array<cv::Point2f, 4> q;
    bool from_sides = false;
    if (approx.size() != 4) {
      auto sides = quad_from_sides(c);
      if (!sides) {
        if (on_border && area > img_area * 0.15 && area < img_area * 0.9) cut_off = true;
        continue;
      }
      q = *sides;
      from_sides = true;
    } else {
      std::vector<cv::Point2f> pf(approx.begin(), approx.end());
      q = order(pf);
    }
    auto refined = refine(c, q);
    if (refined) q = *refined;
    double w = (dist(q[0], q[1]) + dist(q[2], q[3])) / 2, h = (dist(q[1], q[2]) + dist(q[3], q[0])) / 2;
    if (h < 1) continue;
    double aspect = w / h;
    // The card's outline in the photo is foreshortened when the phone is tilted (a card 15° off
    // the image plane is 3 % shorter one way, and the near side is longer than the far one):
    // a region is taken as a candidate on a loose aspect (whether the print inside is an ID
    // card's is judged later), while candidates are ranked on a strict one (of overlapping
    // regions, the card alone is closer to ID-1 than the card with something beside it).
    double aspect_score = std::exp(-std::pow((aspect - layout::kAspect) / 0.2, 2));
    double strict_aspect_score = std::exp(-std::pow((aspect - layout::kAspect) / 0.12, 2));
    std::vector<cv::Point2f> qv(q.begin(), q.end());
    double quad_area = std::abs(cv::contourArea(qv));
    double fill = quad_area > 0 ? std::min(area, quad_area) / std::max(area, quad_area) : 0;
    if (from_sides) {
      // The region is larger than the card: judge by how much of the quad it covers.
      cv::Mat qm(mask.size(), CV_8U, cv::Scalar(0));
      std::vector<cv::Point> qi;
      for (auto& p : q) qi.emplace_back(cvRound(p.x), cvRound(p.y));
      cv::fillConvexPoly(qm, qi, 255);
      double inside = cv::countNonZero(qm & mask);
      fill = quad_area > 0 ? std::min(1.0, inside / quad_area) : 0;
    }
    double score = aspect_score * std::pow(fill, 3);
    if (std::getenv("SHIMING_OCR_DEBUG_DIR") && area > img_area * 0.05)
      std::fprintf(stderr, "quad aspect %.3f fill %.3f score %.3f area %.3f\n", aspect, fill, score, area / img_area);
    if (on_border && area > img_area * 0.1 && score < 0.5) cut_off = true;
    if (score < 0.3) continue;
    Candidate cand;
    for (int i = 0; i < 4; ++i) cand.quad.corners[i] = q[i] * static_cast<float>(1.0 / scale);
    cand.quad.area_fraction = quad_area / img_area;
    cand.quad.score = score;
    cand.rank_score = strict_aspect_score * std::pow(fill, 3);
    // Cut off: a corner of the fitted card lies on or beyond the photo's edge.
    const float m = 0.004f * std::max(full.width, full.height);
    for (auto& p : cand.quad.corners)
      if (p.x < m || p.y < m || p.x > full.width - 1 - m || p.y > full.height - 1 - m) cand.quad.touches_border = true;
    cand.center = (q[0] + q[2]) * static_cast<float>(0.5 / scale);
    out.push_back(cand);
  }
}

}  // namespace

LocateResult locate_card(const cv::Mat& bgr) {
  LocateResult result;
  const double scale = 720.0 / std::max(bgr.cols, bgr.rows);
  cv::Mat small;
  cv::resize(bgr, small, {}, scale, scale, cv::INTER_AREA);
  cv::Mat gray;
  cv::cvtColor(small, gray, cv::COLOR_BGR2GRAY);
  cv::GaussianBlur(gray, gray, {5, 5}, 0);

  std::vector<cv::Mat> masks;
  // 1. Edges, closed into regions.
  {
    double med = cv::mean(gray)[0];
    cv::Mat edges;
    cv::Canny(gray, edges, std::max(10.0, 0.4 * med), std::max(30.0, 1.0 * med));
    cv::dilate(edges, edges, cv::getStructuringElement(cv::MORPH_RECT, {3, 3}));
    cv::Mat filled(edges.size(), CV_8U, cv::Scalar(0));
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(edges, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
    cv::drawContours(filled, contours, -1, 255, cv::FILLED);
    // Thin edges of other things that touch the card are not regions.
    cv::morphologyEx(filled, filled, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, {7, 7}));
    masks.push_back(filled);
  }
  // 2. Bright, low-saturation regions (cards are light), Otsu on lightness minus saturation.
  {
    cv::Mat hsv;
    cv::cvtColor(small, hsv, cv::COLOR_BGR2HSV);
    std::vector<cv::Mat> ch;
    cv::split(hsv, ch);
    cv::Mat white;
    cv::subtract(ch[2], ch[1] / 2, white);
    cv::GaussianBlur(white, white, {7, 7}, 0);
    cv::Mat m;
    cv::threshold(white, m, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
    cv::morphologyEx(m, m, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_ELLIPSE, {9, 9}));
    cv::morphologyEx(m, m, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_RECT, {15, 15}));
    masks.push_back(m);
  }
  // 3. Colour distance from the photo's border colour (whatever the card lies on).
  {
    cv::Mat lab;
    cv::cvtColor(small, lab, cv::COLOR_BGR2Lab);
    cv::Mat border_mask(lab.size(), CV_8U, cv::Scalar(255));
    int b = std::max(4, lab.rows / 30);
    border_mask(cv::Rect(b, b, lab.cols - 2 * b, lab.rows - 2 * b)).setTo(0);
    cv::Scalar bg = cv::mean(lab, border_mask);
    cv::Mat diff;
    cv::absdiff(lab, bg, diff);
    std::vector<cv::Mat> ch;
    cv::split(diff, ch);
    cv::Mat d = ch[0] + 2 * ch[1] + 2 * ch[2];
    cv::GaussianBlur(d, d, {7, 7}, 0);
    cv::Mat m;
    cv::threshold(d, m, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
    cv::morphologyEx(m, m, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_RECT, {21, 21}));
    cv::morphologyEx(m, m, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_ELLIPSE, {9, 9}));
    masks.push_back(m);
  }

  // The same masks opened hard, which cuts a card free of objects touching it.
  const int big = std::max(9, std::min(small.cols, small.rows) / 30) | 1;
  for (std::size_t i = 0, n = masks.size(); i < n; ++i) {
    cv::Mat m;
    cv::morphologyEx(masks[i], m, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, {big, big}));
    masks.push_back(m);
  }
  if (const char* dir = std::getenv("SHIMING_OCR_DEBUG_DIR"))
    for (std::size_t i = 0; i < masks.size(); ++i)
      cv::imwrite(std::string(dir) + "/mask" + std::to_string(i) + ".png", masks[i]);
  std::vector<Candidate> cands;
  for (const auto& m : masks) collect(m, scale, bgr.size(), cands, result.cut_off_candidate);
  // Regions enclosed by edges: the card's outline is a closed ring of edges even when other
  // things touch it from outside, so the card's inside is a region of its own.
  {
    double med = cv::mean(gray)[0];
    cv::Mat edges;
    cv::Canny(gray, edges, std::max(8.0, 0.25 * med), std::max(20.0, 0.6 * med));
    cv::dilate(edges, edges, cv::getStructuringElement(cv::MORPH_RECT, {3, 3}));
    cv::Mat inside = ~edges;
    cv::morphologyEx(inside, inside, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, {3, 3}));
    bool ignored = false;
    collect(inside, scale, bgr.size(), cands, ignored, cv::RETR_LIST);
  }
  if (cands.empty()) return result;
  auto rank = [](const Candidate& c) {
    return c.rank_score * std::sqrt(c.quad.area_fraction) * (c.quad.touches_border ? 0.6 : 1.0);
  };
  std::sort(cands.begin(), cands.end(), [&](const Candidate& a, const Candidate& b) { return rank(a) > rank(b); });
  result.card = cands.front().quad;
  for (const auto& c : cands) {
    bool dup = false;
    for (const auto& k : result.candidates) {
      double w = dist(k.corners[0], k.corners[1]);
      bool near = true;
      for (int i = 0; i < 4; ++i) near = near && dist(k.corners[i], c.quad.corners[i]) < 0.04 * w;
      dup = dup || near;
    }
    if (!dup) result.candidates.push_back(c.quad);
  }
  if (std::getenv("SHIMING_OCR_DEBUG_DIR"))
    for (const auto& c : cands)
      std::fprintf(stderr, "cand score %.3f area %.3f border %d corners %.0f,%.0f %.0f,%.0f %.0f,%.0f %.0f,%.0f\n", c.quad.score,
                   c.quad.area_fraction, c.quad.touches_border, c.quad.corners[0].x, c.quad.corners[0].y,
                   c.quad.corners[1].x, c.quad.corners[1].y, c.quad.corners[2].x, c.quad.corners[2].y,
                   c.quad.corners[3].x, c.quad.corners[3].y);
  // Distinct card-like regions of comparable size (centres apart by more than half a card).
  std::vector<Candidate> distinct;
  for (const auto& c : cands) {
    if (c.quad.score < 0.6 || c.quad.area_fraction < cands.front().quad.area_fraction * 0.4) continue;
    bool same = false;
    for (const auto& d : distinct) {
      double card_w = dist(d.quad.corners[0], d.quad.corners[1]);
      if (dist(c.center, d.center) < card_w * 0.5) same = true;
    }
    if (!same) distinct.push_back(c);
  }
  result.card_like_count = static_cast<int>(distinct.size());
  return result;
}

cv::Mat rectify(const cv::Mat& bgr, const CardQuad& quad) {
  cv::Size size = canonical_size();
  std::array<cv::Point2f, 4> dst = {cv::Point2f(0, 0), cv::Point2f(size.width - 1.f, 0),
                                    cv::Point2f(size.width - 1.f, size.height - 1.f), cv::Point2f(0, size.height - 1.f)};
  // Work on the card's bounding box only; shrink a large card with area averaging first (no
  // aliasing), grow a small one with cubic interpolation in the warp.
  std::vector<cv::Point2f> pts(quad.corners.begin(), quad.corners.end());
  cv::Rect box = cv::boundingRect(pts) & cv::Rect(0, 0, bgr.cols, bgr.rows);
  if (box.width < 2 || box.height < 2) return cv::Mat(size, CV_8UC3, cv::Scalar::all(0));
  std::array<cv::Point2f, 4> src = quad.corners;
  for (auto& p : src) p -= cv::Point2f(static_cast<float>(box.x), static_cast<float>(box.y));
  cv::Mat roi = bgr(box);
  double card_w = dist(quad.corners[0], quad.corners[1]);
  double f = std::min(1.0, 1.3 * size.width / std::max(1.0, card_w));
  if (f < 1.0) {
    cv::resize(roi, roi, {}, f, f, cv::INTER_AREA);
    for (auto& p : src) p *= static_cast<float>(f);
  }
  cv::Mat M = cv::getPerspectiveTransform(src.data(), dst.data());
  cv::Mat out;
  cv::warpPerspective(roi, out, M, size, card_w < size.width ? cv::INTER_CUBIC : cv::INTER_LINEAR,
                      cv::BORDER_REPLICATE);
  return out;
}

}  // namespace shiming::idcard_ocr
