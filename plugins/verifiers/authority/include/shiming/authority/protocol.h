#pragma once
// The wire protocol between the `authority` verifier and an identity authority
// gateway (and shiming-authority-sim). docs/authority-protocol.md is the
// reference; this header is the one place both sides take names and the
// signature rule from.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shiming::authority {

inline constexpr std::string_view kCheckPath = "/v1/identity/check";

// Request headers.
inline constexpr std::string_view kHeaderClient = "X-Authority-Client";
inline constexpr std::string_view kHeaderTimestamp = "X-Authority-Timestamp";  // Unix seconds
inline constexpr std::string_view kHeaderNonce = "X-Authority-Nonce";          // 32 hex digits
inline constexpr std::string_view kHeaderSignature = "X-Authority-Signature";  // hex HMAC-SHA256
inline constexpr std::string_view kHeaderIdempotencyKey = "Idempotency-Key";

// A signed request's timestamp must be within this of the gateway's clock.
inline constexpr std::int64_t kTimestampWindowSeconds = 300;

// The answers a gateway gives (field "result" of a 200/429/503 body).
enum class Answer { match, name_mismatch, id_not_found, id_cancelled, photo_mismatch, rate_limited, unavailable };
const char* to_string(Answer a);
std::optional<Answer> parse_answer(std::string_view text);

// "METHOD\nPATH\nTIMESTAMP\nNONCE\nhex(SHA-256(body))"
std::string canonical_request(std::string_view method, std::string_view path,
                              std::string_view timestamp, std::string_view nonce,
                              std::string_view body);
// Lower-case hex HMAC-SHA256(key, canonical_request(...)).
std::string sign_request(std::string_view key, std::string_view method, std::string_view path,
                         std::string_view timestamp, std::string_view nonce, std::string_view body);
// Constant-time check of a hex signature.
bool signature_matches(std::string_view key, std::string_view method, std::string_view path,
                       std::string_view timestamp, std::string_view nonce, std::string_view body,
                       std::string_view signature_hex);

// Helpers (OpenSSL).
std::string sha256_hex(std::string_view data);
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
std::string random_hex(std::size_t bytes);  // CSPRNG, thread-safe
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);  // nullopt if malformed

// A nonce is 32 lower-case hex digits.
bool well_formed_nonce(std::string_view nonce);

}  // namespace shiming::authority
