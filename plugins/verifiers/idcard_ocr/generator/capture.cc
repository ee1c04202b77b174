// Places a rendered card into a simulated phone photo.
#include <cmath>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "shiming/idcard_ocr/card_generator.h"
#include "shiming/idcard_ocr/card_layout.h"

namespace shiming::idcard_ocr::gen {
namespace {

double uni(std::mt19937_64& rng, double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); }

cv::Mat background(cv::Size size, std::mt19937_64& rng, cv::RNG& cvrng) {
  cv::Mat bg(size, CV_8UC3);
  int kind = std::uniform_int_distribution<int>(0, 3)(rng);
  cv::Scalar base(uni(rng, 20, 200), uni(rng, 20, 200), uni(rng, 20, 200));
  bg.setTo(base);
  if (kind == 0) {  // wood-like grain
    for (int y = 0; y < size.height; y += 3) {
      double v = 25 * std::sin(y * 0.02 + uni(rng, 0, 0.3)) + uni(rng, -8, 8);
      cv::line(bg, {0, y}, {size.width, y + static_cast<int>(uni(rng, -20, 20))},
               base + cv::Scalar(v, v * 0.8, v * 0.6), 3);
    }
  } else if (kind == 1) {  // clutter: papers, objects
    for (int k = 0; k < 12; ++k) {
      cv::Point a(static_cast<int>(uni(rng, 0, size.width)), static_cast<int>(uni(rng, 0, size.height)));
      cv::Size s(static_cast<int>(uni(rng, 20, size.width / 4.0)), static_cast<int>(uni(rng, 20, size.height / 4.0)));
      cv::Scalar col(uni(rng, 0, 255), uni(rng, 0, 255), uni(rng, 0, 255));
      if (k % 2) cv::rectangle(bg, cv::Rect(a, s), col, cv::FILLED);
      else cv::ellipse(bg, a, s, uni(rng, 0, 180), 0, 360, col, cv::FILLED, cv::LINE_AA);
    }
  } else if (kind == 2) {  // fabric noise
    cv::Mat n(size, CV_8UC3);
    cvrng.fill(n, cv::RNG::NORMAL, cv::Scalar::all(0), cv::Scalar::all(25));
    cv::GaussianBlur(n, n, {0, 0}, 2);
    bg += n;
  }
  cv::GaussianBlur(bg, bg, {0, 0}, uni(rng, 0.8, 3.0));
  return bg;
}

}  // namespace

std::vector<std::uint8_t> encode_jpeg(const cv::Mat& image, int quality) {
  std::vector<std::uint8_t> out;
  cv::imencode(".jpg", image, out, {cv::IMWRITE_JPEG_QUALITY, quality});
  return out;
}

Photo photograph_card(const cv::Mat& card, const CaptureOptions& o, std::mt19937_64& rng) {
  cv::RNG cvrng(rng());  // OpenCV's noise from our seed, so a seed gives the same photo
  Photo photo;
  photo.difficulty = o.difficulty;
  const int d = o.difficulty;
  // Photo size: 1 MP .. max_megapixels, 4:3, landscape or portrait.
  double mp = uni(rng, 1.0, std::max(1.0, o.max_megapixels));
  int w = static_cast<int>(std::sqrt(mp * 1e6 * 4 / 3)), h = w * 3 / 4;
  bool portrait = uni(rng, 0, 1) < 0.25;
  if (portrait) std::swap(w, h);
  cv::Mat img = background({w, h}, rng, cvrng);

  double frac = uni(rng, o.min_card_fraction, o.max_card_fraction);
  double cw = std::min<double>(w, h * 1.4) * frac, ch = cw / layout::kAspect;
  double angle = uni(rng, -15, 15) * (d == 0 ? 0.4 : 1.0) * CV_PI / 180;
  photo.upside_down = uni(rng, 0, 1) < o.upside_down_rate;
  if (photo.upside_down) angle += CV_PI;
  // Keep the rotated card inside the frame.
  double bw = std::abs(cw * std::cos(angle)) + std::abs(ch * std::sin(angle));
  double bh = std::abs(cw * std::sin(angle)) + std::abs(ch * std::cos(angle));
  double persp = (d == 0 ? 0.01 : 0.035) * cw;
  double margin = 0.02 * std::min(w, h) + persp;
  // Shrink the card until it fits in the frame whole (cut-off cards are made on purpose elsewhere).
  double fit = std::min({1.0, (w - 2 * margin) / bw, (h - 2 * margin) / bh});
  cw *= fit;
  ch *= fit;
  bw *= fit;
  bh *= fit;
  persp *= fit;
  cv::Point2d center(uni(rng, bw / 2 + margin, std::max(bw / 2 + margin, w - bw / 2 - margin)),
                     uni(rng, bh / 2 + margin, std::max(bh / 2 + margin, h - bh / 2 - margin)));
  std::array<cv::Point2f, 4> dst;
  const cv::Point2d local[4] = {{-cw / 2, -ch / 2}, {cw / 2, -ch / 2}, {cw / 2, ch / 2}, {-cw / 2, ch / 2}};
  for (int i = 0; i < 4; ++i) {
    double x = local[i].x * std::cos(angle) - local[i].y * std::sin(angle);
    double y = local[i].x * std::sin(angle) + local[i].y * std::cos(angle);
    dst[i] = cv::Point2f(static_cast<float>(center.x + x + uni(rng, -persp, persp)),
                         static_cast<float>(center.y + y + uni(rng, -persp, persp)));
  }
  std::array<cv::Point2f, 4> src = {cv::Point2f(0, 0), cv::Point2f(card.cols - 1.f, 0),
                                    cv::Point2f(card.cols - 1.f, card.rows - 1.f), cv::Point2f(0, card.rows - 1.f)};
  cv::Mat M = cv::getPerspectiveTransform(src.data(), dst.data());
  // Soft shadow, then the card with its alpha.
  cv::Mat warped, shadow_mask;
  cv::warpPerspective(card, warped, M, img.size(), cv::INTER_AREA, cv::BORDER_CONSTANT, cv::Scalar::all(0));
  std::vector<cv::Mat> ch4;
  cv::split(warped, ch4);
  cv::Mat alpha;
  ch4[3].convertTo(alpha, CV_32F, 1 / 255.0);
  cv::GaussianBlur(alpha, shadow_mask, {0, 0}, std::max(2.0, cw * 0.01));
  cv::Mat imgf;
  img.convertTo(imgf, CV_32FC3);
  {
    cv::Mat sh;
    cv::Mat shift = (cv::Mat_<double>(2, 3) << 1, 0, cw * 0.008, 0, 1, cw * 0.01);
    cv::warpAffine(shadow_mask, sh, shift, shadow_mask.size());
    cv::Mat sh3;
    cv::merge(std::vector<cv::Mat>{sh, sh, sh}, sh3);
    imgf = imgf.mul(cv::Scalar::all(1) - sh3 * 0.35);
  }
  cv::Mat cardf, a3;
  cv::merge(std::vector<cv::Mat>{ch4[0], ch4[1], ch4[2]}, cardf);
  cardf.convertTo(cardf, CV_32FC3);
  cv::merge(std::vector<cv::Mat>{alpha, alpha, alpha}, a3);
  imgf = imgf.mul(cv::Scalar::all(1) - a3) + cardf.mul(a3);

  // Lighting gradient, glare, blur, noise.
  double g0 = uni(rng, 0.75 - 0.1 * d, 1.0), g1 = uni(rng, 0.95, 1.06);
  cv::Mat grad(img.size(), CV_32F);
  double gx = uni(rng, -1, 1), gy = uni(rng, -1, 1);
  for (int y = 0; y < h; ++y) {
    float* row = grad.ptr<float>(y);
    for (int x = 0; x < w; ++x) {
      double t = 0.5 + 0.5 * (gx * (2.0 * x / w - 1) + gy * (2.0 * y / h - 1)) / std::max(1e-3, std::abs(gx) + std::abs(gy));
      row[x] = static_cast<float>(g0 + (g1 - g0) * t);
    }
  }
  cv::Mat grad3;
  cv::merge(std::vector<cv::Mat>{grad, grad, grad}, grad3);
  imgf = imgf.mul(grad3);
  if (d >= 2 && uni(rng, 0, 1) < 0.5) {  // a small specular highlight somewhere on the card
    cv::Mat glare(img.size(), CV_32F, cv::Scalar(0));
    cv::Point2f gc = dst[0] + (dst[2] - dst[0]) * static_cast<float>(uni(rng, 0.2, 0.8)) +
                     (dst[1] - dst[3]) * static_cast<float>(uni(rng, -0.3, 0.3));
    cv::circle(glare, gc, static_cast<int>(cw * uni(rng, 0.02, 0.05)), 1.0, cv::FILLED);
    cv::GaussianBlur(glare, glare, {0, 0}, cw * 0.03);
    cv::Mat g3;
    cv::merge(std::vector<cv::Mat>{glare, glare, glare}, g3);
    imgf += g3 * uni(rng, 60, 120);
  }
  imgf.convertTo(img, CV_8UC3);
  double px_per_mm = cw / layout::kCardWidthMm;
  double blur = (d == 0 ? 0.0 : d == 1 ? uni(rng, 0.2, 0.5) : d == 2 ? uni(rng, 0.4, 0.8) : uni(rng, 0.6, 1.1)) *
                px_per_mm / 10;
  if (blur > 0.3) cv::GaussianBlur(img, img, {0, 0}, blur);
  cv::Mat noise(img.size(), CV_16SC3);
  cvrng.fill(noise, cv::RNG::NORMAL, cv::Scalar::all(0), cv::Scalar::all(2 + 2.5 * d));
  cv::Mat img16;
  img.convertTo(img16, CV_16SC3);
  img16 += noise;
  img16.convertTo(img, CV_8UC3);
  // JPEG artefacts: encode and decode once at the chosen quality.
  int q = static_cast<int>(uni(rng, 92 - 10 * d, 97 - 8 * d));
  std::vector<std::uint8_t> jpg = encode_jpeg(img, q);
  photo.image = cv::imdecode(jpg, cv::IMREAD_COLOR);
  photo.corners = dst;
  return photo;
}

Photo photograph(const Identity& id, CardPainter painter, const CaptureOptions& o, std::mt19937_64& rng) {
  // Render at roughly the card's size in the photo (the capture then only shrinks slightly).
  double mp = std::max(1.0, o.max_megapixels);
  double longest = std::sqrt(mp * 1e6 * 4 / 3);
  double px_per_mm = std::clamp(longest * o.max_card_fraction / layout::kCardWidthMm, 8.0, 32.0);
  cv::Mat card = painter(id, px_per_mm, rng);
  return photograph_card(card, o, rng);
}

}  // namespace shiming::idcard_ocr::gen
