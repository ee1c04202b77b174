// Synthetic passport data pages for tests and the benchmark: random identities with a valid
// TD3 zone, rendered with OCR-B (fonts-ocr-b) and CJK fonts, then "photographed" with rotation,
// perspective, blur, noise, uneven lighting and JPEG compression. Deterministic per seed.
#pragma once

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace shiming::mrz::gen {

struct PassportIdentity {
  std::string document_number;  // 9 characters, e.g. E12345678
  std::string surname;          // A-Z, spaces allowed
  std::string given_names;
  std::string name_zh;          // printed in the visual zone
  std::string nationality = "CHN";
  std::string issuing_state = "CHN";
  std::string birth;            // YYYY-MM-DD
  std::string expiry;           // YYYY-MM-DD
  std::string sex;              // M / F
  std::string optional_data;    // up to 14 characters
};

PassportIdentity random_identity(std::mt19937_64& rng);

// The two 44-character lines with correct check digits.
std::array<std::string, 2> td3_lines(const PassportIdentity& p);

// The data page, ID-3 size at 10 px/mm (1250 x 880), BGR.
cv::Mat render_page(const PassportIdentity& p, std::mt19937_64& rng);

struct CaptureOptions {
  double max_rotation_deg = 6;
  double perspective = 0.03;     // corner jitter, fraction of the page width
  double max_blur_sigma = 1.2;
  double max_noise = 8;          // Gaussian noise sigma (grey levels)
  int min_jpeg_quality = 60;
  double lighting = 0.35;        // strength of the uneven illumination gradient
  int photo_width = 1600;
};

// The page placed on a background as a phone would capture it, BGR.
cv::Mat capture(const cv::Mat& page, const CaptureOptions& options, std::mt19937_64& rng);

std::vector<std::uint8_t> encode_jpeg(const cv::Mat& image, int quality);

// One sample: identity, the truth lines and the JPEG of the captured page.
struct Sample {
  PassportIdentity identity;
  std::array<std::string, 2> lines;
  std::vector<std::uint8_t> jpeg;
};
Sample make_sample(std::uint64_t seed, const CaptureOptions& options = {});

}  // namespace shiming::mrz::gen
