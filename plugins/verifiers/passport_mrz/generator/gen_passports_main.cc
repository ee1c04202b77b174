// passport_gen OUT_DIR [COUNT] [SEED] [--png]: writes page_NNN.jpg and page_NNN.txt (the two MRZ
// lines); --png also writes a PNG copy (for viewers without JPEG support).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "shiming/mrz/passport_generator.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: passport_gen OUT_DIR [COUNT] [SEED]\n";
    return 2;
  }
  std::filesystem::path dir = argv[1];
  int count = argc > 2 ? std::stoi(argv[2]) : 10;
  unsigned long long seed = argc > 3 ? std::stoull(argv[3]) : 1;
  std::filesystem::create_directories(dir);
  for (int i = 0; i < count; ++i) {
    auto s = shiming::mrz::gen::make_sample(seed + i);
    char name[32];
    std::snprintf(name, sizeof name, "page_%03d", i);
    std::ofstream(dir / (std::string(name) + ".jpg"), std::ios::binary)
        .write(reinterpret_cast<const char*>(s.jpeg.data()), static_cast<std::streamsize>(s.jpeg.size()));
    if (argc > 4 && std::string(argv[4]) == "--png")
      cv::imwrite((dir / (std::string(name) + ".png")).string(), cv::imdecode(s.jpeg, cv::IMREAD_COLOR));
    std::ofstream(dir / (std::string(name) + ".txt")) << s.lines[0] << "\n" << s.lines[1] << "\n";
  }
  return 0;
}
