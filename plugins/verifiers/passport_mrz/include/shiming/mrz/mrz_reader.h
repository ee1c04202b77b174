// Finds and reads the machine-readable zone on a photo of a passport data page (or an ID card):
// OpenCV locates the zone (black-hat + gradient + morphology) and deskews it, Tesseract (eng,
// whitelist A-Z0-9<) reads it, and, when that reading fails its check digits, the characters are
// segmented at the zone's fixed pitch and matched against rendered OCR-B glyphs. The parser's
// check-digit-confirmed fixes apply to both. Thread-safe: one Tesseract engine per thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <shiming/sdk/result.h>

#include "shiming/mrz/mrz.h"

namespace shiming::mrz {

struct ReaderOptions {
  std::size_t max_pixels = 40'000'000;  // refused before full decode
  int reference_year = 0;               // for two-digit years (0 = now)
  bool use_tesseract = true;
  bool use_templates = true;
  double min_margin = 0.04;             // template match margin below which a character is doubtful
};

struct ReadResult {
  bool found = false;                   // a zone-like band was located and read
  std::vector<std::string> lines;       // as read (before corrections)
  std::optional<ParsedMrz> parsed;      // when the lines parse
  std::string engine;                   // "tesseract" | "templates"
  double millis = 0;                    // wall time of the whole read
  // Characters in alphanumeric fields (document number, optional data) read with little
  // certainty and not confirmed by a second engine. A valid zone with doubtful characters may
  // still be wrong (the check digits cannot tell S from 8 or G from 6): treat it as "review".
  int doubtful = 0;
  bool confident() const { return parsed && parsed->valid && doubtful == 0; }
};

// Errors: IMAGE_UNREADABLE (not a JPEG/PNG), IMAGE_TOO_LARGE. A page without a readable zone is
// a result with found = false (or parsed empty), not an error.
sdk::Result<ReadResult> read_mrz(const std::vector<std::uint8_t>& image, const ReaderOptions& options = {});

// The Tesseract data directory in use (TESSDATA_PREFIX, else Debian's), "" when eng is missing.
std::string tessdata_dir();

}  // namespace shiming::mrz
