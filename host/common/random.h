#pragma once
#include <string>

namespace shiming {

// A URL-safe random token with `bytes` bytes of entropy (CSPRNG).
std::string random_token(std::size_t bytes = 24);
// A random identifier for records: 16 bytes as 32 lower-case hex digits.
std::string random_id();

}  // namespace shiming
