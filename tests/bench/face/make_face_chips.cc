// Writes the aligned 150x150 face chips whose descriptors
// tests/data/face/faceapi_reference.mjs computes with @vladmandic/face-api in Node:
// the astronaut and the best-scoring faces of face-api's demo/sample1-6.jpg.
// Usage: face_make_chips OUT_DIR
#include <filesystem>
#include <iostream>

#include <opencv2/imgcodecs.hpp>

#include "face_test_data.h"
#include "shiming/face/face_descriptor.h"
#include "shiming/face/face_models.h"

using namespace shiming::face;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: face_make_chips OUT_DIR\n";
    return 2;
  }
  std::filesystem::create_directories(argv[1]);
  auto analyzer = FaceAnalyzer::load(kDefaultLandmarkModel);
  if (!analyzer) {
    std::cerr << analyzer.error().message << "\n";
    return 1;
  }
  struct Source { std::string name, path; int faces; };
  std::vector<Source> sources = {{"astronaut", testkit::astronaut_path(), 1}};
  for (int i = 1; i <= 6; ++i) sources.push_back({"sample" + std::to_string(i), testkit::face_api_sample_path(i), 2});
  for (const auto& s : sources) {
    cv::Mat img = testkit::load_bgr(s.path);
    auto faces = (*analyzer)->analyze(img);
    for (int k = 0; k < s.faces && k < int(faces.size()); ++k) {
      cv::Mat chip = FaceDescriptorNet::align(img, faces[k].landmarks);
      std::string out = std::string(argv[1]) + "/" + s.name + "_face" + std::to_string(k) + ".png";
      cv::imwrite(out, chip);
      std::cout << out << " score " << faces[k].detection.score << "\n";
    }
  }
  return 0;
}
