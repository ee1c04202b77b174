// Signed tokens of printed documents (the window receipt 回执, the admission ticket 准考证):
// "<payload>.<signature>", both base64url without padding; the payload is compact JSON, the
// signature Ed25519 (libsodium) over "shiming-receipt-v1." + payload. Anyone with the issuer's
// public key checks a token offline (GET .../verify, `shimingctl receipt|ticket verify`).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <shiming/sdk/result.h>

namespace shiming::print {

struct ReceiptKeys {
  std::array<std::uint8_t, 32> public_key{};
  std::array<std::uint8_t, 64> secret_key{};  // libsodium layout: seed + public key
  std::string key_id() const;                 // first 8 bytes of the public key's SHA-256, hex
};

// Deterministic from a 32-byte seed; a fresh random seed when `seed` is empty.
sdk::Result<ReceiptKeys> receipt_keys_from_seed(std::string_view seed);
std::string random_seed();

std::string base64url_encode(std::string_view bytes);
// nullopt-like: an empty result with ok=false on bad input.
bool base64url_decode(std::string_view text, std::string& out);
std::string base64_encode(std::string_view bytes);
bool base64_decode(std::string_view text, std::string& out);

// The payload gets "kid" (the key id) added.
std::string sign_receipt(const nlohmann::json& payload, const ReceiptKeys& keys);

// Errors: RECEIPT_TOKEN_MALFORMED (not two base64url parts, payload not JSON),
// RECEIPT_KEY_MISMATCH (signed with another key id), RECEIPT_SIGNATURE_INVALID.
sdk::Result<nlohmann::json> verify_receipt(std::string_view token,
                                           const std::array<std::uint8_t, 32>& public_key);

// Parses a public key given as base64 of the 32 raw bytes. Error PUBLIC_KEY_INVALID.
sdk::Result<std::array<std::uint8_t, 32>> parse_public_key(std::string_view base64);

}  // namespace shiming::print
