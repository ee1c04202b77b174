#include "image_header.h"

namespace shiming::mrz {

std::optional<std::pair<std::uint32_t, std::uint32_t>> image_dimensions(const std::vector<std::uint8_t>& d) {
  auto be16 = [&](std::size_t i) { return static_cast<std::uint32_t>(d[i] << 8 | d[i + 1]); };
  auto be32 = [&](std::size_t i) { return be16(i) << 16 | be16(i + 2); };
  static const std::uint8_t kPng[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  if (d.size() >= 24 && std::equal(kPng, kPng + 8, d.begin()) && d[12] == 'I' && d[13] == 'H' &&
      d[14] == 'D' && d[15] == 'R') {
    std::uint32_t w = be32(16), h = be32(20);
    if (w == 0 || h == 0) return std::nullopt;
    return std::make_pair(w, h);
  }
  if (d.size() < 4 || d[0] != 0xFF || d[1] != 0xD8) return std::nullopt;
  std::size_t i = 2;
  while (i + 4 <= d.size()) {
    if (d[i] != 0xFF) return std::nullopt;
    std::uint8_t m = d[i + 1];
    if (m == 0xFF) {
      ++i;
      continue;
    }
    if (m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) {
      i += 2;
      continue;
    }
    std::uint32_t len = be16(i + 2);
    if (len < 2) return std::nullopt;
    bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    if (sof) {
      if (i + 9 > d.size()) return std::nullopt;
      std::uint32_t h = be16(i + 5), w = be16(i + 7);
      if (w == 0 || h == 0) return std::nullopt;
      return std::make_pair(w, h);
    }
    i += 2 + len;
  }
  return std::nullopt;
}

}  // namespace shiming::mrz
