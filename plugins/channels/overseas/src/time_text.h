// ISO 8601 date-times with an explicit offset ("2026-05-10T09:00:00+08:00"), and offsets
// ("+01:00", "-05:30", "Z"), for slots shown in the candidate's time zone.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace shiming::overseas {

using Seconds = std::chrono::sys_seconds;

std::optional<Seconds> parse_datetime(const std::string& text);
// Minutes east of UTC; nullopt unless ±HH:MM (|offset| <= 14 h) or Z.
std::optional<int> parse_offset(const std::string& text);
std::string format_datetime(Seconds t, int offset_minutes);

}  // namespace shiming::overseas
