#pragma once
// Hashes, MACs and base64 (OpenSSL 3).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shiming::crypto {

// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);
std::string sha256_hex(const std::vector<std::uint8_t>& data);
// Lower-case hex HMAC-SHA256 of `data` under `key`.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// Standard base64 with padding (RFC 4648 section 4).
std::string base64_encode(std::string_view bytes);
std::string base64_encode(const std::vector<std::uint8_t>& bytes);
// nullopt unless `text` is valid padded standard base64.
std::optional<std::string> base64_decode(std::string_view text);

// Constant-time comparison (for MACs and token hashes).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace shiming::crypto
