#include "face_pairs.h"

#include <cmath>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "face_test_data.h"

namespace shiming::face::testkit {
namespace {

cv::Mat jpeg_roundtrip(const cv::Mat& img, int quality) {
  return cv::imdecode(encode_jpeg(img, quality), cv::IMREAD_COLOR);
}

}  // namespace

std::vector<IdentityPhoto> identity_originals(const FaceAnalyzer& analyzer) {
  std::vector<std::pair<std::string, std::string>> sources = {{"astronaut", astronaut_path()}};
  if (!face_api_model_dir().empty()) {
    for (int i = 1; i <= 6; ++i) sources.push_back({"sample" + std::to_string(i), face_api_sample_path(i)});
  }
  std::vector<IdentityPhoto> out;
  for (const auto& [name, path] : sources) {
    cv::Mat img = load_bgr(path);
    auto faces = analyzer.analyze(img);
    for (std::size_t k = 0; k < faces.size(); ++k) {
      const cv::Rect b = faces[k].detection.box;
      if (b.width < 70) continue;
      cv::Point2f c(b.x + b.width / 2.0f, b.y + b.height / 2.0f);
      float half = 1.1f * float(b.width);
      cv::Rect crop(int(c.x - half), int(c.y - half), int(2 * half), int(2 * half));
      crop &= cv::Rect(0, 0, img.cols, img.rows);
      out.push_back({name + "#" + std::to_string(k), "original", img(crop).clone()});
    }
  }
  return out;
}

std::vector<IdentityPhoto> genuine_variants(const IdentityPhoto& o) {
  std::vector<IdentityPhoto> out;
  const cv::Mat& src = o.image;
  auto add = [&](const std::string& v, cv::Mat m) { out.push_back({o.identity, v, std::move(m)}); };
  // A tighter, off-centre crop.
  cv::Rect crop(src.cols / 10, src.rows / 12, src.cols * 8 / 10, src.rows * 8 / 10);
  add("crop", src(crop).clone());
  cv::Mat m;
  cv::resize(src, m, cv::Size(), 0.55, 0.55, cv::INTER_AREA);
  add("small", m);
  cv::resize(src, m, cv::Size(), 1.6, 1.6, cv::INTER_CUBIC);
  add("large", m.clone());
  src.convertTo(m, -1, 0.55, 0);
  add("dark", m.clone());
  src.convertTo(m, -1, 1.25, 25);
  add("bright", m.clone());
  cv::GaussianBlur(src, m, cv::Size(0, 0), 1.2);
  add("blur", m.clone());
  add("jpeg30", jpeg_roundtrip(src, 30));
  cv::Mat rot = cv::getRotationMatrix2D(cv::Point2f(src.cols / 2.0f, src.rows / 2.0f), 9, 1.0);
  cv::warpAffine(src, m, rot, src.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  add("rotate", m.clone());
  // Warmer light from one side.
  cv::Mat grad(src.size(), CV_32FC1);
  for (int x = 0; x < src.cols; ++x) grad.col(x).setTo(0.7 + 0.5 * x / std::max(1, src.cols - 1));
  cv::Mat f;
  src.convertTo(f, CV_32FC3);
  std::vector<cv::Mat> ch;
  cv::split(f, ch);
  for (int i = 0; i < 3; ++i) ch[i] = ch[i].mul(grad) * (i == 2 ? 1.1 : (i == 0 ? 0.9 : 1.0));
  cv::merge(ch, f);
  f.convertTo(m, CV_8UC3);
  add("side_light", m.clone());
  add("id_portrait", id_card_portrait(src));
  return out;
}

cv::Mat id_card_portrait(const cv::Mat& face_crop) {
  // The card portrait is about 26x32 mm at ~100 px per 26 mm once rectified.
  cv::Rect inner(face_crop.cols / 8, face_crop.rows / 16, face_crop.cols * 3 / 4, face_crop.rows * 15 / 16);
  cv::Mat m;
  cv::resize(face_crop(inner), m, cv::Size(102, 126), 0, 0, cv::INTER_AREA);
  cv::Mat hsv;
  cv::cvtColor(m, hsv, cv::COLOR_BGR2HSV);
  std::vector<cv::Mat> ch;
  cv::split(hsv, ch);
  ch[1] = ch[1] * 0.6;
  cv::merge(ch, hsv);
  cv::cvtColor(hsv, m, cv::COLOR_HSV2BGR);
  return jpeg_roundtrip(m, 60);
}

}  // namespace shiming::face::testkit
