#pragma once
// Percent-decoding, UTF-8 validation and query-string parsing. Beast-free.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "shiming/sdk/result.h"

namespace shiming::http {

// Decodes %XX escapes. `plus_is_space` for application/x-www-form-urlencoded
// (query strings). nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view in, bool plus_is_space = false);

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool valid_utf8(std::string_view s);

// Parses "a=1&b=x%20y" into decoded pairs. The first occurrence of a key wins.
// Malformed escapes or invalid UTF-8 -> Error BAD_QUERY.
sdk::Result<std::map<std::string, std::string>> parse_query(std::string_view query);

}  // namespace shiming::http
