#include "shiming/authority/protocol.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace shiming::authority {
namespace {

std::string to_hex(const unsigned char* p, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[p[i] >> 4];
    out[2 * i + 1] = kDigits[p[i] & 0x0f];
  }
  return out;
}

constexpr std::array<std::string_view, 7> kAnswerNames = {
    "match", "name_mismatch", "id_not_found", "id_cancelled", "photo_mismatch", "rate_limited",
    "unavailable"};

}  // namespace

const char* to_string(Answer a) { return kAnswerNames[static_cast<std::size_t>(a)].data(); }

std::optional<Answer> parse_answer(std::string_view text) {
  for (std::size_t i = 0; i < kAnswerNames.size(); ++i)
    if (kAnswerNames[i] == text) return static_cast<Answer>(i);
  return std::nullopt;
}

std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed");
  return to_hex(md, len);
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len))
    throw std::runtime_error("HMAC-SHA256 failed");
  return to_hex(md, len);
}

std::string canonical_request(std::string_view method, std::string_view path,
                              std::string_view timestamp, std::string_view nonce,
                              std::string_view body) {
  std::string s;
  s.reserve(method.size() + path.size() + timestamp.size() + nonce.size() + 68);
  s.append(method).append("\n").append(path).append("\n").append(timestamp).append("\n");
  s.append(nonce).append("\n").append(sha256_hex(body));
  return s;
}

std::string sign_request(std::string_view key, std::string_view method, std::string_view path,
                         std::string_view timestamp, std::string_view nonce, std::string_view body) {
  return hmac_sha256_hex(key, canonical_request(method, path, timestamp, nonce, body));
}

bool signature_matches(std::string_view key, std::string_view method, std::string_view path,
                       std::string_view timestamp, std::string_view nonce, std::string_view body,
                       std::string_view signature_hex) {
  std::string expected = sign_request(key, method, path, timestamp, nonce, body);
  if (signature_hex.size() != expected.size()) return false;
  return CRYPTO_memcmp(expected.data(), signature_hex.data(), expected.size()) == 0;
}

std::string random_hex(std::size_t bytes) {
  std::string buf(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(buf.data()), static_cast<int>(bytes)) != 1)
    throw std::runtime_error("RAND_bytes failed");
  return to_hex(reinterpret_cast<const unsigned char*>(buf.data()), bytes);
}

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  for (char c : text) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/' || c == '=';
    if (!ok) return std::nullopt;
  }
  std::string out(3 * text.size() / 4, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  std::size_t pad = 0;
  if (!text.empty() && text.back() == '=') ++pad;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++pad;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

bool well_formed_nonce(std::string_view nonce) {
  if (nonce.size() != 32) return false;
  for (char c : nonce)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace shiming::authority
