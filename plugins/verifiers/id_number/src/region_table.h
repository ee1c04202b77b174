// The embedded GB/T 2260 table (generated at build time by tools/gen_region_table.cc).
#pragma once

#include <cstddef>
#include <cstdint>

namespace shiming::idnumber::detail {

struct RegionEntry {
  std::uint32_t code;    // six-digit code as a number, ascending
  std::uint32_t offset;  // name = kRegionNames + offset, `length` bytes of UTF-8
  std::uint32_t length;
};

extern const char kRegionNames[];
extern const RegionEntry kRegionEntries[];
extern const std::size_t kRegionEntryCount;

}  // namespace shiming::idnumber::detail
