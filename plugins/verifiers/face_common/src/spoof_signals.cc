#include "shiming/face/spoof_signals.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace shiming::face {
namespace {

constexpr int kSize = 128;

// Log-magnitude spectrum (DC centred) of the region resized to 128x128, windowed.
cv::Mat log_spectrum(const cv::Mat& gray) {
  cv::Mat g;
  cv::resize(gray, g, cv::Size(kSize, kSize), 0, 0, cv::INTER_AREA);
  g.convertTo(g, CV_32F);
  cv::Scalar mean = cv::mean(g);
  g -= mean[0];
  cv::Mat win;
  cv::createHanningWindow(win, g.size(), CV_32F);
  g = g.mul(win);
  cv::Mat complex;
  cv::dft(g, complex, cv::DFT_COMPLEX_OUTPUT);
  std::vector<cv::Mat> planes;
  cv::split(complex, planes);
  cv::Mat mag;
  cv::magnitude(planes[0], planes[1], mag);
  mag += 1.0f;
  cv::log(mag, mag);
  // Centre the DC term.
  int cx = kSize / 2, cy = kSize / 2;
  cv::Mat q0(mag, cv::Rect(0, 0, cx, cy)), q1(mag, cv::Rect(cx, 0, cx, cy));
  cv::Mat q2(mag, cv::Rect(0, cy, cx, cy)), q3(mag, cv::Rect(cx, cy, cx, cy));
  cv::Mat tmp;
  q0.copyTo(tmp); q3.copyTo(q0); tmp.copyTo(q3);
  q1.copyTo(tmp); q2.copyTo(q1); tmp.copyTo(q2);
  return mag;
}

// Uniform-LBP bin of each 8-bit code: codes with at most two 0/1 transitions around the circle get
// bins 0..57 in code order, the rest share bin 58.
const std::array<unsigned char, 256>& lbp_table() {
  static const std::array<unsigned char, 256> table = [] {
    std::array<unsigned char, 256> t{};
    unsigned char next = 0;
    for (unsigned c = 0; c < 256; ++c) {
      unsigned rotated = ((c >> 1) | (c << 7)) & 0xFF;
      int transitions = __builtin_popcount(c ^ rotated);
      t[c] = transitions <= 2 ? next++ : 58;
    }
    return t;
  }();
  return table;
}

}  // namespace

int uniform_lbp_bin(unsigned code) { return lbp_table()[code & 0xFF]; }

double chi_square(const float* a, const float* b, std::size_t n) {
  double d = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double s = double(a[i]) + b[i];
    if (s > 0) d += (double(a[i]) - b[i]) * (double(a[i]) - b[i]) / s;
  }
  return d;
}

double moire_peak_ratio(const cv::Mat& gray) {
  if (gray.empty()) return 0.0;
  cv::Mat spec = log_spectrum(gray);
  // Residual over a local median: isolated peaks stand out, the smooth 1/f falloff does not.
  cv::Mat spec8;
  double mn, mx;
  cv::minMaxLoc(spec, &mn, &mx);
  spec.convertTo(spec8, CV_8U, mx > mn ? 255.0 / (mx - mn) : 1.0, mx > mn ? -mn * 255.0 / (mx - mn) : 0);
  cv::Mat med8;
  cv::medianBlur(spec8, med8, 7);
  cv::Mat resid;
  cv::subtract(spec8, med8, resid, cv::noArray(), CV_32F);
  std::vector<float> band;
  float peak = 0;
  const double c = kSize / 2.0;
  for (int y = 0; y < kSize; ++y)
    for (int x = 0; x < kSize; ++x) {
      double r = std::hypot(x - c, y - c) / c;  // 1 = Nyquist
      if (r < 0.25 || r > 0.95) continue;
      float v = resid.at<float>(y, x);
      band.push_back(std::abs(v));
      peak = std::max(peak, v);
    }
  if (band.empty()) return 0.0;
  std::nth_element(band.begin(), band.begin() + band.size() / 2, band.end());
  double median = std::max(1.0f, band[band.size() / 2]);
  return peak / median;
}

double high_frequency_energy(const cv::Mat& gray) {
  if (gray.empty()) return 0.0;
  cv::Mat g;
  cv::resize(gray, g, cv::Size(kSize, kSize), 0, 0, cv::INTER_AREA);
  g.convertTo(g, CV_32F);
  g -= cv::mean(g)[0];
  cv::Mat complex;
  cv::dft(g, complex, cv::DFT_COMPLEX_OUTPUT);
  double total = 0, high = 0;
  for (int y = 0; y < kSize; ++y)
    for (int x = 0; x < kSize; ++x) {
      int fy = y <= kSize / 2 ? y : kSize - y, fx = x <= kSize / 2 ? x : kSize - x;
      double r = std::hypot(fx, fy) / (kSize / 2.0);
      auto v = complex.at<cv::Vec2f>(y, x);
      double e = double(v[0]) * v[0] + double(v[1]) * v[1];
      total += e;
      if (r > 0.5) high += e;
    }
  return total > 0 ? high / total : 0.0;
}

TextureCues texture_cues(const cv::Mat& bgr, const FaceLandmarks& lm) {
  TextureCues out;
  if (bgr.empty() || bgr.channels() != 3) return out;
  const double eye = lm.inter_ocular();
  if (eye < 8) return out;
  // Similarity: eye centres to (40, 48) and (88, 48) of a 128x128 chip.
  const cv::Point2f l = lm.eye_center(false), r = lm.eye_center(true);
  const double s = 48.0 / eye, a = std::atan2(double(r.y - l.y), double(r.x - l.x));
  const double c = s * std::cos(a), d = s * std::sin(a);
  cv::Mat m = (cv::Mat_<double>(2, 3) << c, d, 0, -d, c, 0);
  m.at<double>(0, 2) = 40 - (c * l.x + d * l.y);
  m.at<double>(1, 2) = 48 - (-d * l.x + c * l.y);
  cv::Mat chip;
  cv::warpAffine(bgr, chip, m, cv::Size(kSize, kSize), s < 1 ? cv::INTER_AREA : cv::INTER_LINEAR,
                 cv::BORDER_CONSTANT, cv::Scalar(0, 0, 0));
  // Inside the outline (jaw and brows), pulled 8 % towards its centre.
  std::vector<cv::Point2f> outline(27);
  cv::Point2f centre(0, 0);
  for (int i = 0; i < 27; ++i) {
    const auto& p = lm.points[i];
    outline[i] = cv::Point2f(float(m.at<double>(0, 0) * p.x + m.at<double>(0, 1) * p.y + m.at<double>(0, 2)),
                             float(m.at<double>(1, 0) * p.x + m.at<double>(1, 1) * p.y + m.at<double>(1, 2)));
    centre += outline[i];
  }
  centre *= 1.0f / 27;
  std::vector<cv::Point> pts;
  for (auto& p : outline) {
    cv::Point2f q = centre + (p - centre) * 0.92f;
    pts.emplace_back(int(std::lround(q.x)), int(std::lround(q.y)));
  }
  std::vector<cv::Point> hull;
  cv::convexHull(pts, hull);
  cv::Mat mask = cv::Mat::zeros(chip.size(), CV_8U);
  cv::fillConvexPoly(mask, hull, cv::Scalar(255));
  cv::Mat gray, hsv;
  cv::cvtColor(chip, gray, cv::COLOR_BGR2GRAY);
  cv::cvtColor(chip, hsv, cv::COLOR_BGR2HSV);
  std::vector<double> luma, sat;
  for (int y = 0; y < kSize; ++y) {
    const auto* mk = mask.ptr<unsigned char>(y);
    const auto* g = gray.ptr<unsigned char>(y);
    const auto* h = hsv.ptr<cv::Vec3b>(y);
    for (int x = 0; x < kSize; ++x) {
      if (!mk[x]) continue;
      luma.push_back(g[x]);
      sat.push_back(h[x][1] / 255.0);
    }
  }
  if (luma.size() < 1000) return out;
  auto pct = [](std::vector<double> v, double q) {
    auto k = std::size_t(q * double(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + long(k), v.end());
    return v[k];
  };
  const double p1 = pct(luma, 0.01), p99 = pct(luma, 0.99);
  out.black_ratio = p1 / std::max(1.0, p99);
  out.saturation = pct(sat, 0.5);
  // Glare: brighter than the darker skin (25th percentile) by half the way to white and with under
  // half the skin's chroma (75th percentile; a specular reflection has the light's colour, not the
  // skin's). Low percentiles as references: a glare over much of the face does not raise them.
  const double p25 = pct(luma, 0.25), sat75 = pct(sat, 0.75);
  const double bright = p25 + 0.5 * (255 - p25), pale = 0.5 * sat75;
  std::size_t glare = 0;
  for (std::size_t i = 0; i < luma.size(); ++i) glare += luma[i] >= bright && sat[i] < pale;
  out.glare = double(glare) / double(luma.size());
  // Uniform LBP inside the outline (the border pixels of the chip have no full neighbourhood).
  {
    const auto& table = lbp_table();
    std::array<double, 59> h{};
    double n = 0;
    static const int dy[8] = {-1, -1, -1, 0, 1, 1, 1, 0}, dx[8] = {-1, 0, 1, 1, 1, 0, -1, -1};
    for (int y = 1; y < kSize - 1; ++y) {
      const auto* mk = mask.ptr<unsigned char>(y);
      for (int x = 1; x < kSize - 1; ++x) {
        if (!mk[x]) continue;
        const unsigned char c = gray.at<unsigned char>(y, x);
        unsigned code = 0;
        for (int k = 0; k < 8; ++k) code |= unsigned(gray.at<unsigned char>(y + dy[k], x + dx[k]) >= c) << k;
        h[table[code]] += 1;
        n += 1;
      }
    }
    for (int i = 0; i < 59; ++i) out.lbp[std::size_t(i)] = n > 0 ? float(h[std::size_t(i)] / n) : 0.0f;
  }
  {
    cv::Mat ycc;
    cv::cvtColor(chip, ycc, cv::COLOR_BGR2YCrCb);
    cv::Scalar mean, stddev;
    cv::meanStdDev(ycc, mean, stddev, mask);
    out.cr_std = stddev[1];
    out.cb_std = stddev[2];
  }
  {
    cv::Mat gx, gy, lap;
    cv::Sobel(gray, gx, CV_32F, 1, 0, 3, 1.0 / 8);
    cv::Sobel(gray, gy, CV_32F, 0, 1, 3, 1.0 / 8);
    cv::Laplacian(gray, lap, CV_32F, 1);
    std::vector<std::pair<float, float>> g;  // (gradient^2, laplacian^2) inside the outline
    for (int y = 1; y < kSize - 1; ++y) {
      const auto* mk = mask.ptr<unsigned char>(y);
      const auto* px = gx.ptr<float>(y);
      const auto* py = gy.ptr<float>(y);
      const auto* pl = lap.ptr<float>(y);
      for (int x = 1; x < kSize - 1; ++x)
        if (mk[x]) g.emplace_back(px[x] * px[x] + py[x] * py[x], pl[x] * pl[x]);
    }
    // Edges and their flanks: the strongest fifth of the gradients (flat skin's noise left out).
    const std::size_t k = g.size() * 4 / 5;
    std::nth_element(g.begin(), g.begin() + long(k), g.end());
    double grad = 0, lapl = 0;
    for (std::size_t i = k; i < g.size(); ++i) {
      grad += g[i].first;
      lapl += g[i].second;
    }
    out.edge_width = lapl > 0 ? std::sqrt(grad / lapl) : 0;
  }
  cv::Rect box = cv::boundingRect(hull) & cv::Rect(0, 0, kSize, kSize);
  out.high_frequency = box.area() > 256 ? high_frequency_energy(gray(box)) : 0;
  out.valid = true;
  return out;
}

double sharpness(const cv::Mat& gray) {
  if (gray.empty()) return 0.0;
  cv::Mat g;
  double s = 128.0 / gray.cols;
  cv::resize(gray, g, cv::Size(), s, s, s < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  cv::Mat lap;
  cv::Laplacian(g, lap, CV_64F);
  cv::Scalar mean, stddev;
  cv::meanStdDev(lap, mean, stddev);
  return stddev[0] * stddev[0];
}

}  // namespace shiming::face
