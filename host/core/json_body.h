#pragma once
// Strict parsing of JSON request bodies: malformed JSON, invalid UTF-8,
// missing, unknown and mistyped fields each get their own error code.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "shiming/sdk/result.h"

namespace shiming {

struct BodyField {
  std::string name;
  nlohmann::json::value_t type = nlohmann::json::value_t::string;
  bool required = true;
  std::size_t max_length = 256;  // strings: bytes; arrays: items
};

// Returns the parsed object, or an error with code MALFORMED_JSON,
// BODY_NOT_OBJECT, MISSING_FIELD, UNKNOWN_FIELD, WRONG_TYPE or FIELD_TOO_LONG
// (field set). All map to HTTP 400.
sdk::Result<nlohmann::json> parse_body(std::string_view body, const std::vector<BodyField>& fields);

}  // namespace shiming
