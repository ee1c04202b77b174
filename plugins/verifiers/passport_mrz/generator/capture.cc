// A phone-style capture of a rendered page.
#include <cmath>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "shiming/mrz/passport_generator.h"

namespace shiming::mrz::gen {
namespace {

double uni(std::mt19937_64& rng, double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); }

}  // namespace

std::vector<std::uint8_t> encode_jpeg(const cv::Mat& image, int quality) {
  std::vector<std::uint8_t> out;
  cv::imencode(".jpg", image, out, {cv::IMWRITE_JPEG_QUALITY, quality});
  return out;
}

cv::Mat capture(const cv::Mat& page, const CaptureOptions& o, std::mt19937_64& rng) {
  const int w = o.photo_width, h = o.photo_width * 3 / 4;
  cv::Mat img(h, w, CV_8UC3, cv::Scalar(uni(rng, 30, 140), uni(rng, 30, 140), uni(rng, 30, 140)));
  cv::Mat grain(h, w, CV_8UC3);
  cv::randn(grain, cv::Scalar::all(0), cv::Scalar::all(12));
  cv::GaussianBlur(grain, grain, {0, 0}, 3);
  img += grain;

  double scale = uni(rng, 0.78, 0.9) * w / page.cols;
  double pw = page.cols * scale, ph = page.rows * scale;
  double angle = uni(rng, -o.max_rotation_deg, o.max_rotation_deg) * CV_PI / 180;
  cv::Point2d c(w / 2.0 + uni(rng, -0.04, 0.04) * w, h / 2.0 + uni(rng, -0.04, 0.04) * h);
  const cv::Point2d local[4] = {{-pw / 2, -ph / 2}, {pw / 2, -ph / 2}, {pw / 2, ph / 2}, {-pw / 2, ph / 2}};
  cv::Point2f src[4] = {{0, 0}, {static_cast<float>(page.cols), 0},
                        {static_cast<float>(page.cols), static_cast<float>(page.rows)},
                        {0, static_cast<float>(page.rows)}};
  cv::Point2f dst[4];
  double jitter = o.perspective * pw;
  for (int i = 0; i < 4; ++i) {
    double x = local[i].x * std::cos(angle) - local[i].y * std::sin(angle);
    double y = local[i].x * std::sin(angle) + local[i].y * std::cos(angle);
    dst[i] = cv::Point2f(static_cast<float>(c.x + x + uni(rng, -jitter, jitter)),
                         static_cast<float>(c.y + y + uni(rng, -jitter, jitter)));
  }
  cv::Mat m = cv::getPerspectiveTransform(src, dst);
  cv::warpPerspective(page, img, m, img.size(), cv::INTER_LINEAR, cv::BORDER_TRANSPARENT);

  // Uneven lighting: a linear gradient and a soft highlight.
  cv::Mat light(h, w, CV_32F);
  double gx = uni(rng, -1, 1), gy = uni(rng, -1, 1);
  cv::Point2d spot(uni(rng, 0, w), uni(rng, 0, h));
  for (int y = 0; y < h; ++y) {
    float* row = light.ptr<float>(y);
    for (int x = 0; x < w; ++x) {
      double g = 1 + o.lighting * 0.5 * (gx * (x - w / 2.0) / w + gy * (y - h / 2.0) / h);
      double d2 = ((x - spot.x) * (x - spot.x) + (y - spot.y) * (y - spot.y)) / (0.1 * w * w);
      row[x] = static_cast<float>(g + o.lighting * 0.3 * std::exp(-d2));
    }
  }
  cv::Mat f;
  img.convertTo(f, CV_32FC3);
  std::vector<cv::Mat> ch;
  cv::split(f, ch);
  for (auto& c1 : ch) c1 = c1.mul(light);
  cv::merge(ch, f);
  double sigma = uni(rng, 0.3, std::max(0.31, o.max_blur_sigma));
  cv::GaussianBlur(f, f, {0, 0}, sigma);
  cv::Mat noise(f.size(), CV_32FC3);
  cv::randn(noise, cv::Scalar::all(0), cv::Scalar::all(uni(rng, 0, o.max_noise)));
  f += noise;
  f.convertTo(img, CV_8UC3);
  return img;
}

Sample make_sample(std::uint64_t seed, const CaptureOptions& options) {
  std::mt19937_64 rng(seed);
  Sample s;
  s.identity = random_identity(rng);
  s.lines = td3_lines(s.identity);
  cv::Mat page = render_page(s.identity, rng);
  cv::Mat photo = capture(page, options, rng);
  int q = std::uniform_int_distribution<int>(std::min(options.min_jpeg_quality, 95), 95)(rng);
  s.jpeg = encode_jpeg(photo, q);
  return s;
}

}  // namespace shiming::mrz::gen
