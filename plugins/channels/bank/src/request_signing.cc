#include "request_signing.h"

#include <sodium.h>

#include <fstream>
#include <sstream>

namespace shiming::bank {
namespace {

// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): SEQUENCE, AlgorithmIdentifier 1.3.101.112, BIT STRING.
constexpr unsigned char kSpkiPrefix[] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : h) { out += hex[c >> 4]; out += hex[c & 15]; }
  return out;
}

std::string canonical_request(std::string_view method, std::string_view path, std::string_view province,
                              std::string_view timestamp, std::string_view nonce, std::string_view body) {
  std::string s;
  for (std::string_view part : {method, path, province, timestamp, nonce}) {
    s.append(part);
    s += '\n';
  }
  return s + sha256_hex(body);
}

std::string b64(std::string_view b) {
  std::string out(sodium_base64_encoded_len(b.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(b.data()), b.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

bool unb64(std::string_view text, std::string& out) {
  out.assign(text.size(), '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                        "\r\n", &len, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size())
    return false;
  out.resize(len);
  return true;
}

bool valid_nonce(std::string_view n) {
  if (n.size() < 16 || n.size() > 64) return false;
  for (char c : n)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  return true;
}

sdk::Result<std::array<std::uint8_t, 32>> parse_ed25519_public_key(std::string_view text) {
  std::string body;
  auto begin = text.find("-----BEGIN PUBLIC KEY-----");
  if (begin != std::string_view::npos) {
    auto start = text.find('\n', begin);
    auto end = text.find("-----END PUBLIC KEY-----");
    if (start == std::string_view::npos || end == std::string_view::npos || end < start)
      return sdk::make_error("BANK_KEY_UNAVAILABLE", "The bank's public key PEM is damaged.", "银行公钥文件损坏。");
    body = std::string(text.substr(start + 1, end - start - 1));
  } else {
    body = std::string(text);
  }
  std::string clean;
  for (char c : body)
    if (!std::isspace(static_cast<unsigned char>(c))) clean += c;
  std::string raw;
  if (!unb64(clean, raw))
    return sdk::make_error("BANK_KEY_UNAVAILABLE", "The bank's public key is not base64.", "银行公钥格式错误。");
  if (raw.size() == 44 && std::equal(std::begin(kSpkiPrefix), std::end(kSpkiPrefix),
                                     reinterpret_cast<const unsigned char*>(raw.data())))
    raw = raw.substr(12);
  if (raw.size() != 32)
    return sdk::make_error("BANK_KEY_UNAVAILABLE", "The bank's public key is not an Ed25519 key.", "银行公钥不是 Ed25519 公钥。");
  std::array<std::uint8_t, 32> pk{};
  std::copy(raw.begin(), raw.end(), pk.begin());
  return pk;
}

sdk::Result<std::string> read_secret_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return sdk::make_error("BANK_KEY_UNAVAILABLE", "The bank's key file cannot be read: " + path,
                           "无法读取银行密钥文件。");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

bool verify_ed25519(std::string_view message, std::string_view signature_b64, const std::array<std::uint8_t, 32>& pk) {
  std::string sig;
  if (!unb64(signature_b64, sig) || sig.size() != crypto_sign_BYTES) return false;
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig.data()),
                                     reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                                     pk.data()) == 0;
}

static std::string hmac(std::string_view message, std::string_view secret) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  crypto_auth_hmacsha256_final(&st, mac);
  return std::string(reinterpret_cast<char*>(mac), sizeof mac);
}

bool verify_hmac_sha256(std::string_view message, std::string_view signature_b64, std::string_view secret) {
  std::string sig;
  if (!unb64(signature_b64, sig) || sig.size() != crypto_auth_hmacsha256_BYTES) return false;
  std::string expected = hmac(message, secret);
  return sodium_memcmp(sig.data(), expected.data(), expected.size()) == 0;
}

std::string sign_ed25519(std::string_view message, const std::array<std::uint8_t, 64>& sk) {
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(message.data()), message.size(), sk.data());
  return b64(std::string_view(reinterpret_cast<char*>(sig), sizeof sig));
}

std::string sign_hmac_sha256(std::string_view message, std::string_view secret) { return b64(hmac(message, secret)); }

}  // namespace shiming::bank
