#include "face_test_data.h"

#include <filesystem>
#include <stdexcept>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "shiming/face/face_models.h"

namespace shiming::face::testkit {

std::string astronaut_path() { return "/usr/lib/python3/dist-packages/skimage/data/astronaut.png"; }

std::string face_api_model_dir() {
  std::string dir = default_descriptor_model_dir();
  std::error_code ec;
  if (!std::filesystem::exists(dir + "/face_recognition_model.bin", ec)) return {};
  return dir;
}

std::string face_api_sample_path(int index) {
  return default_descriptor_model_dir() + "/../demo/sample" + std::to_string(index) + ".jpg";
}

cv::Mat load_bgr(const std::string& path) {
  cv::Mat m = cv::imread(path, cv::IMREAD_COLOR);
  if (m.empty()) throw std::runtime_error("cannot read test image " + path);
  return m;
}

std::vector<std::uint8_t> encode_jpeg(const cv::Mat& bgr, int quality) {
  std::vector<std::uint8_t> out;
  cv::imencode(".jpg", bgr, out, {cv::IMWRITE_JPEG_QUALITY, quality});
  return out;
}

std::vector<std::uint8_t> encode_png(const cv::Mat& bgr) {
  std::vector<std::uint8_t> out;
  cv::imencode(".png", bgr, out);
  return out;
}

cv::Mat fit_frame(const cv::Mat& bgr, cv::Size size) {
  double s = std::min(double(size.width) / bgr.cols, double(size.height) / bgr.rows);
  cv::Mat scaled;
  cv::resize(bgr, scaled, cv::Size(), s, s, s < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  cv::Mat out(size, CV_8UC3, cv::Scalar(128, 128, 128));
  scaled.copyTo(out(cv::Rect((size.width - scaled.cols) / 2, (size.height - scaled.rows) / 2, scaled.cols,
                             scaled.rows)));
  return out;
}

}  // namespace shiming::face::testkit
