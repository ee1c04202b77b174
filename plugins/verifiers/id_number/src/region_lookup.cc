// Binary search in the embedded GB/T 2260 table.
#include <algorithm>

#include "region_table.h"
#include "shiming/idnumber/id_number.h"

namespace shiming::idnumber {

std::optional<Region> find_region(std::string_view code6) {
  if (code6.size() != 6) return std::nullopt;
  std::uint32_t code = 0;
  for (char c : code6) {
    if (c < '0' || c > '9') return std::nullopt;
    code = code * 10 + static_cast<std::uint32_t>(c - '0');
  }
  const detail::RegionEntry* begin = detail::kRegionEntries;
  const detail::RegionEntry* end = begin + detail::kRegionEntryCount;
  auto it = std::lower_bound(begin, end, code,
                             [](const detail::RegionEntry& e, std::uint32_t c) { return e.code < c; });
  if (it == end || it->code != code) return std::nullopt;
  return Region{std::string(code6), std::string_view(detail::kRegionNames + it->offset, it->length)};
}

std::size_t region_count() { return detail::kRegionEntryCount; }

}  // namespace shiming::idnumber
