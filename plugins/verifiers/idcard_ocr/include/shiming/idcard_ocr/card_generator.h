// Synthetic second-generation ID cards for tests and the benchmark: random valid identities,
// rendered front and back with Debian fonts, then photographed (background, rotation,
// perspective, light, glare, blur, noise, JPEG) at graded difficulty. Not linked into the plugin.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

namespace shiming::idcard_ocr::gen {

struct Identity {
  std::string name;
  std::string sex;        // 男 / 女
  std::string ethnicity;  // one of the 56
  std::chrono::year_month_day birth;
  std::vector<std::string> address_lines;  // as printed, at most 11 characters a line
  std::string id_number;
  std::string issuing_authority;
  std::chrono::year_month_day valid_from;
  bool long_term = false;  // 长期
  std::chrono::year_month_day valid_to;  // unused when long_term

  std::string address() const;  // lines joined
  // The truth as `shimingctl ocr idcard --json` prints fields.
  nlohmann::json truth_json() const;
};

// A random identity with a valid number (real region code, ~15% ending in X), issued before
// `today`.
Identity random_identity(std::mt19937_64& rng, std::chrono::year_month_day today);

// Renders the card upright at `px_per_mm`, as CV_8UC4 (alpha 0 outside the rounded corners).
// Throws std::runtime_error when a font is missing.
cv::Mat render_front(const Identity& id, double px_per_mm, std::mt19937_64& rng);
cv::Mat render_back(const Identity& id, double px_per_mm, std::mt19937_64& rng);
// A card-sized sheet that is not an ID card (blank, or a page of text).
cv::Mat render_blank_card(double px_per_mm, std::mt19937_64& rng);

struct CaptureOptions {
  int difficulty = 0;            // 0 easy .. 3 hard
  double max_megapixels = 3.0;   // photos are 1 MP .. this
  double upside_down_rate = 0.15;
  double min_card_fraction = 0.45;  // of the photo width taken by the card
  double max_card_fraction = 0.85;
};

struct Photo {
  cv::Mat image;                       // CV_8UC3 BGR
  std::array<cv::Point2f, 4> corners;  // the card's corners (tl, tr, br, bl of the upright card)
  bool upside_down = false;
  int difficulty = 0;
};

// Renders `draw` (a function of px_per_mm) at a resolution that suits the photo, and places it.
using CardPainter = cv::Mat (*)(const Identity&, double, std::mt19937_64&);
Photo photograph(const Identity& id, CardPainter painter, const CaptureOptions& options,
                 std::mt19937_64& rng);
// Places an already rendered CV_8UC4 card into a photo.
Photo photograph_card(const cv::Mat& card, const CaptureOptions& options, std::mt19937_64& rng);

std::vector<std::uint8_t> encode_jpeg(const cv::Mat& image, int quality);

// Font files (Debian paths).
struct Fonts {
  static const char* sans();   // Noto Sans CJK (index 2 = SC)
  static const char* serif();  // Noto Serif CJK
  static const char* hei();    // WenQuanYi Micro Hei
  static const char* ocrb();   // OCR-B
};

}  // namespace shiming::idcard_ocr::gen
