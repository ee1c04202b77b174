// face_quality on real faces (astronaut.png, face-api demo photos) and edits of them.
#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "clip_synth.h"
#include "face_pairs.h"
#include "face_quality_verifier.h"
#include "face_test_data.h"
#include "plugin_loader.h"
#include "shiming/face/image_decode.h"
#include "shiming/sdk/testing/fakes.h"

using namespace shiming;
using namespace shiming::face;

namespace {

class FaceQuality : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    host_ = new sdk::testing::FakeHost();
    config_ = new nlohmann::json(testkit::with_defaults(face_quality::FaceQualityVerifier::config_schema()));
    verifier_ = new face_quality::FaceQualityVerifier(sdk::PluginInit{*config_, *host_});
    auto a = FaceAnalyzer::load(kDefaultLandmarkModel);
    analyzer_ = a ? a->release() : nullptr;
  }
  static void TearDownTestSuite() {
    delete verifier_;
    delete config_;
    delete host_;
    delete analyzer_;
  }

  static sdk::Finding check(const std::vector<std::uint8_t>& bytes, nlohmann::json params = nlohmann::json::object()) {
    sdk::testing::FakeVerificationContext ctx;
    ctx.params_ = testkit::with_defaults(face_quality::FaceQualityVerifier::rules_schema(), params);
    ctx.items.push_back({sdk::evidence_kind::kFace, "image/jpeg", bytes, {}});
    return verifier_->verify(ctx);
  }
  static sdk::Finding check(const cv::Mat& img, nlohmann::json params = nlohmann::json::object()) {
    return check(testkit::encode_jpeg(img, 92), std::move(params));
  }
  static bool has(const sdk::Finding& f, const std::string& code) {
    return std::any_of(f.reasons.begin(), f.reasons.end(), [&](const auto& r) { return r.code == code; });
  }
  static std::string codes(const sdk::Finding& f) {
    std::string s;
    for (const auto& r : f.reasons) s += r.code + " ";
    return s + f.details.dump();
  }
  static cv::Mat astronaut() { return testkit::load_bgr(testkit::astronaut_path()); }
  static FaceLandmarks landmarks_of(const cv::Mat& img) {
    auto faces = analyzer_->analyze(img);
    EXPECT_EQ(faces.size(), 1u);
    return faces.at(0).landmarks;
  }

  static sdk::testing::FakeHost* host_;
  static nlohmann::json* config_;
  static face_quality::FaceQualityVerifier* verifier_;
  static FaceAnalyzer* analyzer_;
};
sdk::testing::FakeHost* FaceQuality::host_ = nullptr;
nlohmann::json* FaceQuality::config_ = nullptr;
face_quality::FaceQualityVerifier* FaceQuality::verifier_ = nullptr;
FaceAnalyzer* FaceQuality::analyzer_ = nullptr;

}  // namespace

TEST_F(FaceQuality, AstronautPasses) {
  auto f = check(astronaut());
  EXPECT_EQ(f.outcome, sdk::Outcome::pass) << codes(f);
  EXPECT_EQ(f.details["faces"], 1);
}

TEST_F(FaceQuality, PngPassesToo) {
  auto f = check(testkit::encode_png(astronaut()));
  EXPECT_EQ(f.outcome, sdk::Outcome::pass) << codes(f);
}

TEST_F(FaceQuality, DarkPhotoIsTooDark) {
  cv::Mat dark;
  astronaut().convertTo(dark, -1, 0.22, 0);
  auto f = check(dark);
  EXPECT_EQ(f.outcome, sdk::Outcome::fail);
  EXPECT_TRUE(has(f, "FACE_TOO_DARK")) << codes(f);
}

TEST_F(FaceQuality, ProvinceAdviceReplacesTheDefault) {
  cv::Mat dark;
  astronaut().convertTo(dark, -1, 0.22, 0);
  auto f = check(dark, {{"advice", {{"FACE_TOO_DARK", {{"advice", "Use the lit booth at the exam office."},
                                                      {"advice_zh", "请到考试院的补光拍照亭拍摄。"}}}}}});
  ASSERT_TRUE(has(f, "FACE_TOO_DARK"));
  for (const auto& r : f.reasons) {
    if (r.code == "FACE_TOO_DARK") {
      EXPECT_EQ(r.advice, "Use the lit booth at the exam office.");
      EXPECT_EQ(r.advice_zh, "请到考试院的补光拍照亭拍摄。");
    }
  }
}

TEST_F(FaceQuality, OverexposedPhoto) {
  cv::Mat lut(1, 256, CV_8U);
  for (int i = 0; i < 256; ++i) lut.at<std::uint8_t>(i) = cv::saturate_cast<std::uint8_t>(255.0 * std::pow(i / 255.0, 0.35));
  cv::Mat bright;
  cv::LUT(astronaut(), lut, bright);
  auto f = check(bright);
  EXPECT_TRUE(has(f, "FACE_OVEREXPOSED")) << codes(f);
}

TEST_F(FaceQuality, BlurredPhotoIsBlurry) {
  cv::Mat blurred;
  cv::GaussianBlur(astronaut(), blurred, cv::Size(0, 0), 2.0);
  auto f = check(blurred);
  EXPECT_TRUE(has(f, "IMAGE_BLURRY")) << codes(f);
  EXPECT_FALSE(f.reasons.front().advice_zh.empty());
}

TEST_F(FaceQuality, GroupPhotoHasMultipleFaces) {
  if (testkit::face_api_model_dir().empty()) GTEST_SKIP() << "run scripts/fetch-face-model.sh";
  auto f = check(testkit::load_bgr(testkit::face_api_sample_path(1)));
  EXPECT_EQ(f.outcome, sdk::Outcome::fail);
  EXPECT_TRUE(has(f, "MULTIPLE_FACES")) << codes(f);
}

TEST_F(FaceQuality, NoFaceInAnEmptyRoom) {
  cv::Mat wall(480, 640, CV_8UC3, cv::Scalar(200, 210, 215));
  cv::rectangle(wall, cv::Rect(100, 100, 200, 150), cv::Scalar(60, 90, 120), -1);
  auto f = check(wall);
  EXPECT_TRUE(has(f, "NO_FACE")) << codes(f);
}

TEST_F(FaceQuality, SmallFaceInALargeFrameIsTooSmall) {
  cv::Mat small;
  cv::resize(astronaut(), small, cv::Size(), 0.75, 0.75, cv::INTER_AREA);
  cv::Mat canvas(1000, 1200, CV_8UC3, cv::Scalar(128, 128, 128));
  small.copyTo(canvas(cv::Rect(450, 350, small.cols, small.rows)));
  auto f = check(canvas);
  EXPECT_TRUE(has(f, "FACE_TOO_SMALL")) << codes(f);
}

TEST_F(FaceQuality, FaceAtTheEdgeIsNotCentred) {
  cv::Mat canvas(700, 1100, CV_8UC3, cv::Scalar(128, 128, 128));
  cv::Mat a = astronaut();
  a.copyTo(canvas(cv::Rect(0, 0, a.cols, a.rows)));
  auto f = check(canvas);
  EXPECT_TRUE(has(f, "FACE_NOT_CENTERED")) << codes(f);
}

TEST_F(FaceQuality, ClosedEyesAreReported) {
  auto originals = testkit::identity_originals(*analyzer_);
  auto src = testkit::make_face_source(*analyzer_, originals.at(0).image);
  auto open = check(testkit::render(src, {}));
  EXPECT_EQ(open.outcome, sdk::Outcome::pass) << codes(open);
  testkit::FacePose closed;
  closed.eyes_closed = 1.0;
  auto f = check(testkit::render(src, closed));
  EXPECT_TRUE(has(f, "EYES_CLOSED")) << codes(f);
}

TEST_F(FaceQuality, SunglassesCoverTheEyes) {
  cv::Mat img = astronaut();
  auto lm = landmarks_of(img);
  double iod = lm.inter_ocular();
  for (bool left : {false, true}) {
    cv::ellipse(img, lm.eye_center(left), cv::Size(int(0.36 * iod), int(0.24 * iod)), 0, 0, 360,
                cv::Scalar(18, 18, 18), -1, cv::LINE_AA);
  }
  cv::line(img, lm.eye_center(false), lm.eye_center(true), cv::Scalar(18, 18, 18), std::max(2, int(0.05 * iod)));
  auto f = check(img);
  EXPECT_TRUE(has(f, "SUNGLASSES")) << codes(f);
}

TEST_F(FaceQuality, MaskCoversTheLowerFace) {
  // A light-blue surgical mask from under the nose to the chin, with pleats and ear loops.
  cv::Mat img = astronaut();
  auto lm = landmarks_of(img);
  std::vector<cv::Point> poly;
  for (int i = 2; i <= 14; ++i) poly.emplace_back(lm.points[i]);
  float top = lm.points[33].y;
  poly.emplace_back(cv::Point2f(lm.points[14].x, top));
  poly.emplace_back(cv::Point2f(lm.points[2].x, top));
  cv::fillPoly(img, std::vector<std::vector<cv::Point>>{poly}, cv::Scalar(235, 205, 160), cv::LINE_AA);
  for (int k = 1; k <= 3; ++k) {
    float y = top + float(k) * (lm.points[8].y - top) / 4.5f;
    cv::line(img, cv::Point2f(lm.points[2].x + 5, y), cv::Point2f(lm.points[14].x - 5, y),
             cv::Scalar(200, 170, 130), 2, cv::LINE_AA);
  }
  cv::line(img, cv::Point2f(lm.points[2].x, top), lm.points[0] - cv::Point2f(3, 0), cv::Scalar(235, 235, 235), 3);
  cv::line(img, cv::Point2f(lm.points[14].x, top), lm.points[16] + cv::Point2f(3, 0), cv::Scalar(235, 235, 235), 3);
  auto f = check(img);
  EXPECT_EQ(f.outcome, sdk::Outcome::fail);
  EXPECT_TRUE(has(f, "FACE_MASK")) << codes(f);
}

TEST_F(FaceQuality, BacklightDarkFaceBrightWindow) {
  cv::Mat img = astronaut();
  auto lm = landmarks_of(img);
  cv::Mat dark;
  img.convertTo(dark, -1, 0.45, 0);
  std::vector<cv::Point2f> pts(lm.points.begin(), lm.points.end());
  cv::Rect face = cv::boundingRect(pts);
  cv::Mat out(dark.size(), CV_8UC3, cv::Scalar(250, 250, 250));
  cv::Rect person(face.x - face.width / 2, face.y - face.height * 3 / 4, face.width * 2, out.rows);
  person &= cv::Rect(0, 0, out.cols, out.rows);
  dark(person).copyTo(out(person));
  auto f = check(out);
  EXPECT_TRUE(has(f, "BACKLIGHT")) << codes(f);
}

TEST_F(FaceQuality, PlainBackgroundOnlyWhenTheRulesAskForIt) {
  auto relaxed = check(astronaut());
  EXPECT_FALSE(has(relaxed, "BACKGROUND_NOT_PLAIN"));
  auto strict = check(astronaut(), {{"require_plain_background", true}});
  EXPECT_TRUE(has(strict, "BACKGROUND_NOT_PLAIN")) << codes(strict);
}

TEST_F(FaceQuality, TiltedHeadIsNotFrontal) {
  cv::Mat img = astronaut(), rotated;
  cv::Mat rot = cv::getRotationMatrix2D(cv::Point2f(img.cols / 2.0f, img.rows / 3.0f), 24, 1.0);
  cv::warpAffine(img, rotated, rot, img.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  auto f = check(rotated);
  EXPECT_TRUE(has(f, "HEAD_NOT_FRONTAL")) << codes(f);
  EXPECT_EQ(f.outcome, sdk::Outcome::fail);
}

TEST_F(FaceQuality, CorruptAndOversizedFilesAreRefusedClearly) {
  auto jpeg = testkit::encode_jpeg(astronaut());
  jpeg.resize(jpeg.size() / 3);
  auto f = check(jpeg);
  EXPECT_EQ(f.outcome, sdk::Outcome::fail);
  ASSERT_FALSE(f.reasons.empty());
  EXPECT_EQ(f.reasons[0].code, "IMAGE_CORRUPT") << codes(f);

  // A PNG header claiming 50000x50000 pixels: refused before decoding.
  auto png = testkit::encode_png(cv::Mat(64, 64, CV_8UC3, cv::Scalar::all(0)));
  png[16] = 0; png[17] = 0; png[18] = 0xC3; png[19] = 0x50;
  png[20] = 0; png[21] = 0; png[22] = 0xC3; png[23] = 0x50;
  auto big = check(png);
  ASSERT_FALSE(big.reasons.empty());
  EXPECT_EQ(big.reasons[0].code, "IMAGE_TOO_LARGE");
  EXPECT_FALSE(big.reasons[0].message_zh.empty());

  auto junk = check(std::vector<std::uint8_t>{'G', 'I', 'F', '8', '9', 'a', 0, 0});
  EXPECT_EQ(junk.reasons.at(0).code, "IMAGE_FORMAT_UNSUPPORTED");
}

TEST(FaceQualityPlugin, LoadsAsARealPluginAndVerifies) {
  sdk::testing::FakeHost host;
  auto plugin = testkit::load_plugin(SHIMING_PLUGIN_DIR, "face_quality", nlohmann::json::object(), host);
  auto* v = plugin->object->as_verifier();
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->evidence_needed(), std::vector<std::string>{"face"});
  sdk::testing::FakeVerificationContext ctx;
  ctx.params_ = testkit::with_defaults(plugin->schemas.rules);
  ctx.items.push_back({"face", "image/png", testkit::encode_png(testkit::load_bgr(testkit::astronaut_path())), {}});
  EXPECT_EQ(v->verify(ctx).outcome, sdk::Outcome::pass);
}

TEST(FaceQualityPlugin, MissingLandmarkModelFailsToLoadWithAMessage) {
  sdk::testing::FakeHost host;
  try {
    testkit::load_plugin(SHIMING_PLUGIN_DIR, "face_quality", {{"landmark_model", "/nonexistent.dat"}}, host);
    FAIL() << "expected a load error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("PLUGIN_INIT_FAILED"), std::string::npos) << e.what();
  }
}
