#pragma once
// AES-256-GCM primitives (OpenSSL EVP) used by the Keyring.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace shiming::crypto::aes_gcm {

inline constexpr std::size_t kNonceSize = 12;
inline constexpr std::size_t kTagSize = 16;

// nonce | ciphertext | tag, with a fresh random nonce.
std::vector<std::uint8_t> seal(const std::array<std::uint8_t, 32>& key, const std::uint8_t* data,
                               std::size_t size, std::string_view aad);
// The plaintext, or nullopt when the input is short, tampered or the aad differs.
std::optional<std::vector<std::uint8_t>> open(const std::array<std::uint8_t, 32>& key,
                                              const std::uint8_t* sealed, std::size_t size,
                                              std::string_view aad);

}  // namespace shiming::crypto::aes_gcm
