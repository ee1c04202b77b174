// ISO/IEC 19794-2:2005 finger minutiae records ("FMR\0", version " 20\0"): the parser checks a
// template before it is stored; the encoder makes records for tests and the sample device.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <shiming/sdk/result.h>

namespace shiming::window {

struct Minutia {
  int type = 1;   // 0 other, 1 ridge ending, 2 bifurcation
  int x = 0;      // pixels, 14 bits
  int y = 0;
  int angle = 0;  // 0..255 (units of 1.40625 degrees)
  int quality = 0;
};

struct FingerView {
  int position = 0;        // 0 unknown, 1 right thumb ... 10 left little
  int view_number = 0;
  int impression_type = 0; // 0 live-scan plain
  int quality = 0;         // 0..100
  std::vector<Minutia> minutiae;
};

struct FingerprintTemplate {
  int equipment_id = 0;
  int width = 0, height = 0;
  int resolution_x = 197, resolution_y = 197;  // pixels per cm (500 dpi)
  std::vector<FingerView> views;
  // The lowest finger quality of all views (what the channel records).
  int quality() const;
};

// Errors: TEMPLATE_INVALID with the reason (magic, version, length, counts, values).
sdk::Result<FingerprintTemplate> parse_iso19794_2(const std::vector<std::uint8_t>& bytes);
std::vector<std::uint8_t> encode_iso19794_2(const FingerprintTemplate& t);

}  // namespace shiming::window
