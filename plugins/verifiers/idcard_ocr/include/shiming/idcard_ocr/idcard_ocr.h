// Reads the two faces of a second-generation resident ID card from phone photos and
// cross-checks what it read. Safe to call from several threads (one Tesseract engine per
// thread, created on first use).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace shiming::idcard_ocr {

enum class Side { front, back };  // 人像面 / 国徽面
const char* to_string(Side side);

// One field as read, with the reader's confidence (0..1).
struct Field {
  std::string value;
  double confidence = 0;
};

// Field keys: front: name, sex (男/女), ethnicity, birth (YYYY-MM-DD), address (lines joined,
// no spaces), id_number; back: issuing_authority, valid_from (YYYY-MM-DD), valid_to
// (YYYY-MM-DD or 长期).
using Fields = std::map<std::string, Field>;

struct ReaderOptions {
  double min_card_area_fraction = 0.04;  // smaller -> CARD_TOO_SMALL
  int min_card_width_px = 400;           // narrower -> CARD_TOO_SMALL (text too small to read)
  double max_blur = 0.08;                // estimated blur (sigma) of the print, mm on the card -> IMAGE_BLURRED
  double max_glare = 0.12;               // fraction of a field's pixels blown out -> GLARE
  double min_brightness = 60;            // mean card lightness 0..255 -> IMAGE_TOO_DARK
  double max_saturated = 0.6;            // fraction of the card blown out -> IMAGE_OVEREXPOSED
  std::uint64_t max_pixels = 40'000'000; // bigger images are refused before decoding
  int max_side = 12000;
};

// What was read from one photo.
struct SideReading {
  Side requested = Side::front;
  bool card_found = false;
  bool upside_down = false;            // the card lay upside down in the photo
  std::vector<std::string> reasons;    // reason codes (see reasons.h); empty when read cleanly
  Fields fields;
  nlohmann::json quality = nlohmann::json::object();  // measured blur, glare, light, area ...
  nlohmann::json timings_ms = nlohmann::json::object();
  std::vector<std::uint8_t> portrait_png;  // front: the portrait cut from the rectified card
  bool has(const std::string& code) const;
};

// Decodes, finds, rectifies, checks quality and reads one face. Never throws on bad input:
// problems become reason codes (NOT_AN_IMAGE, IMAGE_TRUNCATED, IMAGE_TOO_LARGE, CARD_NOT_FOUND ...).
SideReading read_side(std::span<const std::uint8_t> image, Side side, const ReaderOptions& options = {});

enum class NameMatch { exact, normalised };

struct CrossCheckOptions {
  double min_field_confidence = 0.80;  // below -> OCR_LOW_CONFIDENCE (review), not a rejection
  bool check_expiry = true;
  NameMatch name_match = NameMatch::normalised;
  bool require_back = true;            // no back reading -> OCR_LOW_CONFIDENCE on its fields
};

// What the candidate declared; empty strings are not compared.
struct Declared {
  std::string name;
  std::string id_number;
};

enum class Verdict { pass, fail, needs_review };

struct CardCheck {
  Verdict verdict = Verdict::needs_review;
  std::vector<std::string> reasons;  // reason codes, most important first
  Fields fields;                     // front and back merged
};

// Checks the readings against each other, GB 11643, what was declared and the exam date (the
// card must be valid on it; when not ok(), `today` is used).
CardCheck cross_check(const SideReading* front, const SideReading* back, const Declared& declared,
                      const CrossCheckOptions& options, std::chrono::year_month_day exam_date,
                      std::chrono::year_month_day today);

// JSON of the fields as `shimingctl ocr idcard --json` prints them: {"name": "...", ...}.
nlohmann::json fields_json(const Fields& fields);
nlohmann::json confidences_json(const Fields& fields);

}  // namespace shiming::idcard_ocr
