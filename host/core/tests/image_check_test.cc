#include "core/image_check.h"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace shiming {
namespace {

std::string encode(const std::string& ext, int w, int h) {
  cv::Mat m(h, w, CV_8UC3, cv::Scalar(200, 180, 160));
  cv::putText(m, "ID", {w / 4, h / 2}, cv::FONT_HERSHEY_SIMPLEX, 2.0, {0, 0, 0}, 3);
  std::vector<unsigned char> out;
  cv::imencode(ext, m, out);
  return {out.begin(), out.end()};
}

TEST(ImageCheck, AcceptsRealJpegAndPng) {
  auto jpg = check_image("image/jpeg", encode(".jpg", 640, 400), {});
  ASSERT_TRUE(jpg.ok()) << jpg.error().message;
  EXPECT_EQ(jpg->width, 640);
  EXPECT_EQ(jpg->height, 400);
  auto png = check_image("image/png", encode(".png", 300, 250), {});
  ASSERT_TRUE(png.ok()) << png.error().message;
  EXPECT_EQ(png->format, "png");
}

TEST(ImageCheck, RefusesWrongTypes) {
  EXPECT_EQ(check_image("text/plain", encode(".jpg", 640, 400), {}).error().code, "UNSUPPORTED_MEDIA_TYPE");
  EXPECT_EQ(check_image("image/jpeg", "hello world, not an image", {}).error().code, "UNSUPPORTED_MEDIA_TYPE");
  EXPECT_EQ(check_image("image/png", encode(".jpg", 640, 400), {}).error().code, "UNSUPPORTED_MEDIA_TYPE");
}

TEST(ImageCheck, RefusesTruncatedAndTinyImages) {
  auto jpg = encode(".jpg", 640, 400);
  EXPECT_EQ(check_image("image/jpeg", jpg.substr(0, jpg.size() / 2), {}).error().code, "IMAGE_CORRUPT");
  EXPECT_EQ(check_image("image/jpeg", jpg.substr(0, 10), {}).error().code, "IMAGE_CORRUPT");
  EXPECT_EQ(check_image("image/png", encode(".png", 1, 1), {}).error().code, "IMAGE_TOO_SMALL");
}

TEST(ImageCheck, RefusesAHugePngFromItsHeaderAlone) {
  // A valid PNG signature and IHDR claiming 30000x30000, nothing else.
  std::string png("\x89PNG\r\n\x1a\n", 8);
  png += std::string("\x00\x00\x00\x0dIHDR", 8);
  png += std::string("\x00\x00\x75\x30\x00\x00\x75\x30\x08\x02\x00\x00\x00", 13);
  png += std::string("\x00\x00\x00\x00", 4);
  auto r = check_image("image/png", png, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "IMAGE_TOO_LARGE");
}

TEST(ImageCheck, HeaderWithoutImageDataIsRefused) {
  auto jpg = encode(".jpg", 640, 400);
  // Keep the headers up to the start of scan, then jump straight to the end marker.
  auto sos = jpg.find("\xFF\xDA");
  ASSERT_NE(sos, std::string::npos);
  auto r = check_image("image/jpeg", jpg.substr(0, sos) + "\xFF\xD9", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "IMAGE_CORRUPT");
}

}  // namespace
}  // namespace shiming
