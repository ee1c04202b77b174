#pragma once
// Calendar dates (civil, proleptic Gregorian) and UTC timestamps as text.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace shiming {

using Date = std::chrono::year_month_day;
using TimePoint = std::chrono::system_clock::time_point;

// "2026-05-23" -> date; nullopt unless a real calendar date in that exact form.
std::optional<Date> parse_date(std::string_view text);
std::string format_date(const Date& d);
// ISO 8601 UTC with seconds: "2026-05-23T08:00:00Z"; parse also takes "+08:00" offsets.
std::string format_time(TimePoint t);
std::optional<TimePoint> parse_time(std::string_view text);
// The date in China Standard Time (UTC+8), where provinces keep their calendars.
Date china_date(TimePoint t);

}  // namespace shiming
