#pragma once
// Staff password hashing: argon2id (libsodium crypto_pwhash_str, interactive limits).
#include <string>
#include <string_view>

namespace shiming::crypto {

// A self-describing "$argon2id$v=19$m=...,t=...,p=...$salt$hash" string.
// Throws std::runtime_error only when libsodium cannot allocate its memory.
std::string hash_password(std::string_view password);
// True when `password` matches `hash`; false for a wrong password or a malformed hash.
bool verify_password(std::string_view hash, std::string_view password);
// True when `hash` was made with weaker limits than the current ones (re-hash on login).
bool password_needs_rehash(std::string_view hash);

}  // namespace shiming::crypto
