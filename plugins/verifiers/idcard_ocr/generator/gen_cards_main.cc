// idcard_gen: writes synthetic ID card photos with their truth.
//   idcard_gen --out DIR [--count N] [--seed S] [--difficulty 0..3|mixed] [--max-mp MP]
// For each card: DIR/card_NNNN_front.jpg, DIR/card_NNNN_back.jpg, DIR/card_NNNN.json.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "shiming/idcard_ocr/card_generator.h"

using namespace shiming::idcard_ocr::gen;

int main(int argc, char** argv) {
  std::string out;
  int count = 10, difficulty = -1;
  unsigned long long seed = 1;
  double max_mp = 3.0;
  bool preview = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) { std::cerr << "missing value after " << a << "\n"; std::exit(2); }
      return argv[++i];
    };
    if (a == "--out") out = next();
    else if (a == "--count") count = std::stoi(next());
    else if (a == "--seed") seed = std::stoull(next());
    else if (a == "--difficulty") { std::string v = next(); difficulty = v == "mixed" ? -1 : std::stoi(v); }
    else if (a == "--max-mp") max_mp = std::stod(next());
    else if (a == "--preview") preview = true;
    else { std::cerr << "usage: idcard_gen --out DIR [--count N] [--seed S] [--difficulty 0..3|mixed] [--max-mp MP] [--preview]\n"; return 2; }
  }
  if (out.empty()) { std::cerr << "--out is required\n"; return 2; }
  std::filesystem::create_directories(out);
  std::mt19937_64 rng(seed);
  const std::chrono::year_month_day today{std::chrono::year(2026), std::chrono::month(6), std::chrono::day(1)};
  for (int n = 0; n < count; ++n) {
    Identity id = random_identity(rng, today);
    CaptureOptions o;
    o.difficulty = difficulty >= 0 ? difficulty : n % 4;
    o.max_megapixels = max_mp;
    Photo front = photograph(id, render_front, o, rng);
    Photo back = photograph(id, render_back, o, rng);
    char stem[64];
    std::snprintf(stem, sizeof stem, "card_%04d", n);
    std::string base = out + "/" + stem;
    cv::imwrite(base + "_front.jpg", front.image, {cv::IMWRITE_JPEG_QUALITY, 95});
    cv::imwrite(base + "_back.jpg", back.image, {cv::IMWRITE_JPEG_QUALITY, 95});
    if (preview) {  // small PNGs for a person to look at
      for (auto* p : {&front, &back}) {
        cv::Mat small;
        double f = 900.0 / std::max(p->image.cols, p->image.rows);
        cv::resize(p->image, small, {}, f, f, cv::INTER_AREA);
        cv::imwrite(base + (p == &front ? "_front" : "_back") + ".preview.png", small);
      }
    }
    nlohmann::json truth = {{"fields", id.truth_json()},
                            {"difficulty", o.difficulty},
                            {"front_upside_down", front.upside_down},
                            {"back_upside_down", back.upside_down}};
    std::ofstream(base + ".json") << truth.dump(2) << "\n";
  }
  std::cout << "wrote " << count << " cards to " << out << "\n";
  return 0;
}
