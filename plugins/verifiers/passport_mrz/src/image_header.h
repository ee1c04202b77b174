// Width and height from a JPEG or PNG header, read before any full decode (so an oversized or
// non-image upload is refused cheaply).
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace shiming::mrz {

// {width, height}, or nothing when the data is not a well-formed JPEG/PNG header.
std::optional<std::pair<std::uint32_t, std::uint32_t>> image_dimensions(const std::vector<std::uint8_t>& data);

}  // namespace shiming::mrz
