// Signed bank requests and hub webhooks. The string signed is
//   METHOD \n PATH \n PROVINCE \n TIMESTAMP \n NONCE \n hex(SHA-256(body))
// with Ed25519 (signature = base64 of 64 bytes) or HMAC-SHA256 (base64 of 32 bytes).
// Headers: X-Shiming-Province, X-Shiming-Key-Id, X-Shiming-Timestamp (Unix seconds),
// X-Shiming-Nonce (16..64 of [A-Za-z0-9_-]), X-Shiming-Signature.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include <shiming/sdk/result.h>

namespace shiming::bank {

std::string sha256_hex(std::string_view data);
std::string canonical_request(std::string_view method, std::string_view path, std::string_view province,
                              std::string_view timestamp, std::string_view nonce, std::string_view body);

std::string b64(std::string_view bytes);
bool unb64(std::string_view text, std::string& out);
bool valid_nonce(std::string_view nonce);

// Ed25519 public key from a PEM SubjectPublicKeyInfo or base64 of the raw 32 bytes.
sdk::Result<std::array<std::uint8_t, 32>> parse_ed25519_public_key(std::string_view text);
// Reads a key or secret file; error BANK_KEY_UNAVAILABLE.
sdk::Result<std::string> read_secret_file(const std::string& path);

bool verify_ed25519(std::string_view message, std::string_view signature_b64, const std::array<std::uint8_t, 32>& pk);
bool verify_hmac_sha256(std::string_view message, std::string_view signature_b64, std::string_view secret);

// Signing (the hub's webhooks; banks' client code and tests).
std::string sign_ed25519(std::string_view message, const std::array<std::uint8_t, 64>& secret_key);
std::string sign_hmac_sha256(std::string_view message, std::string_view secret);

}  // namespace shiming::bank
