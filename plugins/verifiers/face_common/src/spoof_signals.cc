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

}  // namespace

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
