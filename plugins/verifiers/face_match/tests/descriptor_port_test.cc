// The C++ port of the face descriptor network against descriptors computed by
// @vladmandic/face-api 1.7.15 in Node (tests/data/face/faceapi_reference.json,
// produced by tests/data/face/make_faceapi_reference.sh from the chips beside it).
#include <filesystem>
#include <fstream>
#include <iostream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "face_test_data.h"
#include "shiming/face/face_descriptor.h"

using namespace shiming::face;

namespace {

const std::string kData = std::string(SHIMING_SOURCE_DIR) + "/tests/data/face";

nlohmann::json reference() {
  std::ifstream in(kData + "/faceapi_reference.json");
  return nlohmann::json::parse(in);
}

FaceDescriptor from_json(const nlohmann::json& a) {
  FaceDescriptor d{};
  for (std::size_t i = 0; i < 128; ++i) d[i] = a.at(i).get<float>();
  return d;
}

class DescriptorPort : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testkit::face_api_model_dir().empty()) GTEST_SKIP() << "run scripts/fetch-face-model.sh first";
  }
};

}  // namespace

TEST_F(DescriptorPort, MatchesFaceApiInNodeOnEveryChip) {
  auto net = FaceDescriptorNet::load(testkit::face_api_model_dir(), DescriptorInputScale::faceapi);
  ASSERT_TRUE(net) << net.error().message;
  auto ref = reference();
  ASSERT_GE(ref["descriptors"].size(), 10u);
  double worst = 0;
  for (const auto& [file, values] : ref["descriptors"].items()) {
    cv::Mat chip = cv::imread(kData + "/chips/" + file, cv::IMREAD_COLOR);
    ASSERT_FALSE(chip.empty()) << file;
    FaceDescriptor mine = (*net)->compute_chip(chip);
    FaceDescriptor theirs = from_json(values);
    double max_abs = 0;
    for (std::size_t i = 0; i < 128; ++i) max_abs = std::max(max_abs, double(std::abs(mine[i] - theirs[i])));
    worst = std::max(worst, max_abs);
    EXPECT_LT(max_abs, 1e-5) << file;
    EXPECT_LT(descriptor_distance(mine, theirs), 1e-4) << file;
  }
  std::cout << "largest component difference to face-api: " << worst << "\n";
}

TEST_F(DescriptorPort, DlibInputScaleStaysCloseToFaceApi) {
  auto net = FaceDescriptorNet::load(testkit::face_api_model_dir(), DescriptorInputScale::dlib);
  ASSERT_TRUE(net) << net.error().message;
  auto ref = reference();
  for (const auto& [file, values] : ref["descriptors"].items()) {
    cv::Mat chip = cv::imread(kData + "/chips/" + file, cv::IMREAD_COLOR);
    double d = descriptor_distance((*net)->compute_chip(chip), from_json(values));
    EXPECT_LT(d, 0.05) << file;  // far below the 0.6 decision threshold
  }
}

TEST_F(DescriptorPort, DifferentPeopleAreFarApartAndTheSameChipIsIdentical) {
  auto net = FaceDescriptorNet::load(testkit::face_api_model_dir());
  ASSERT_TRUE(net);
  cv::Mat a = cv::imread(kData + "/chips/astronaut_face0.png");
  cv::Mat b = cv::imread(kData + "/chips/sample1_face0.png");
  EXPECT_EQ(descriptor_distance((*net)->compute_chip(a), (*net)->compute_chip(a)), 0.0);
  EXPECT_GT(descriptor_distance((*net)->compute_chip(a), (*net)->compute_chip(b)), 0.6);
}

TEST(DescriptorLoad, MissingFolderIsAClearError) {
  auto net = FaceDescriptorNet::load("/nonexistent/face-model");
  ASSERT_FALSE(net);
  EXPECT_EQ(net.error().code, "FACE_MODEL_MISSING");
  EXPECT_FALSE(net.error().message_zh.empty());
}

TEST(DescriptorLoad, TruncatedWeightsAreRefusedNamingTheTensor) {
  if (testkit::face_api_model_dir().empty()) GTEST_SKIP();
  auto dir = std::filesystem::temp_directory_path() / ("face-trunc-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string src = testkit::face_api_model_dir();
  std::filesystem::copy_file(src + "/face_recognition_model-weights_manifest.json",
                             dir / "face_recognition_model-weights_manifest.json",
                             std::filesystem::copy_options::overwrite_existing);
  {
    std::ifstream in(src + "/face_recognition_model.bin", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    std::ofstream out(dir / "face_recognition_model.bin", std::ios::binary);
    out.write(bytes.data(), std::streamsize(bytes.size() / 2));
  }
  auto net = FaceDescriptorNet::load(dir.string());
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(net);
  EXPECT_EQ(net.error().code, "FACE_MODEL_INVALID");
  EXPECT_NE(net.error().message.find("cut short"), std::string::npos) << net.error().message;
}
