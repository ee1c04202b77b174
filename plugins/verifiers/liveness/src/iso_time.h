#pragma once
// ISO-8601 UTC timestamps as the host writes them: 2026-11-28T12:00:00Z,
// optionally with fractional seconds or a +00:00 / +hh:mm offset.
#include <chrono>
#include <optional>
#include <string>

namespace shiming::liveness {

std::optional<std::chrono::system_clock::time_point> parse_iso8601(const std::string& text);
std::string format_iso8601(std::chrono::system_clock::time_point t);

}  // namespace shiming::liveness
