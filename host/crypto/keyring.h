#pragma once
// The host's data keys: AES-256-GCM keys with ids (rotation: the newest is
// active for new writes, old ids still decrypt) and one HMAC key for lookups.
//
// Key file (JSON, mode 0600, refused when group/others may read it):
//   {"format":"shiming-keyring-v1","active":"k2",
//    "data_keys":[{"id":"k1","key":"<base64 32 bytes>","created_at":"..."},...],
//    "lookup_key":"<base64 32 bytes>"}
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "shiming/sdk/result.h"

namespace shiming::crypto {

class Keyring {
 public:
  using Key = std::array<std::uint8_t, 32>;

  // Loads the key file, or creates it (mode 0600, parent directories too) with
  // one data key "k1" and a lookup key when it does not exist.
  // Errors: KEYRING_INSECURE_PERMISSIONS, KEYRING_UNREADABLE, KEYRING_INVALID, KEYRING_WRITE_FAILED.
  static sdk::Result<Keyring> load_or_create(const std::string& path);
  // Adds a new data key, makes it active and rewrites the file atomically.
  // Returns the new key id. Existing ciphertexts keep decrypting.
  static sdk::Result<std::string> rotate(const std::string& path);
  // An in-memory keyring with fresh random keys (tests, tools).
  static Keyring generate();

  Keyring(const Keyring&) = default;
  Keyring& operator=(const Keyring&) = default;
  Keyring(Keyring&&) noexcept = default;
  Keyring& operator=(Keyring&&) noexcept = default;
  ~Keyring();

  // "v1.<key id>.<base64(nonce 12 | ciphertext | tag 16)>" under the active key.
  // `aad` binds the token to its context (e.g. "case/<id>"): decrypting with
  // another aad fails.
  std::string encrypt(std::string_view plaintext, std::string_view aad = {}) const;
  // Errors: CIPHERTEXT_MALFORMED, UNKNOWN_KEY_ID, DECRYPTION_FAILED (tampered or wrong aad).
  sdk::Result<std::string> decrypt(std::string_view token, std::string_view aad = {}) const;

  // Binary form for evidence blobs: "SMK1" | id length (1 byte) | key id |
  // nonce 12 | ciphertext | tag 16.
  std::vector<std::uint8_t> encrypt_bytes(const std::vector<std::uint8_t>& plaintext,
                                          std::string_view aad = {}) const;
  sdk::Result<std::vector<std::uint8_t>> decrypt_bytes(const std::vector<std::uint8_t>& blob,
                                                       std::string_view aad = {}) const;

  // Lower-case hex HMAC-SHA256 of `data` under the lookup key (stable across rotation).
  std::string keyed_hash(std::string_view data) const;

  const std::string& active_key_id() const { return active_; }
  std::vector<std::string> key_ids() const;

 private:
  Keyring() = default;
  std::map<std::string, Key> data_keys_;
  std::string active_;
  Key lookup_key_{};
};

}  // namespace shiming::crypto
