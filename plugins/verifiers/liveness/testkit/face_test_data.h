#pragma once
// Real face photos for tests and the benchmark: astronaut.png (Debian
// python3-skimage, public domain) and @vladmandic/face-api's demo/sample1-6.jpg
// (MIT, fetched by scripts/fetch-face-model.sh).
#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace shiming::face::testkit {

std::string astronaut_path();
std::string face_api_sample_path(int index);  // 1..6
// The face-api model folder (weights and samples present), or "" when not fetched.
std::string face_api_model_dir();

cv::Mat load_bgr(const std::string& path);  // throws when unreadable
std::vector<std::uint8_t> encode_jpeg(const cv::Mat& bgr, int quality = 90);
std::vector<std::uint8_t> encode_png(const cv::Mat& bgr);
// A 640x480 frame with the image scaled to fit and centred on grey.
cv::Mat fit_frame(const cv::Mat& bgr, cv::Size size = {640, 480});

}  // namespace shiming::face::testkit
