#include "shiming/print/signed_token.h"

#include <sodium.h>

#include <stdexcept>

namespace shiming::print {
namespace {

constexpr std::string_view kContext = "shiming-receipt-v1.";

void init_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

sdk::Error malformed(const std::string& why) {
  return sdk::make_error("RECEIPT_TOKEN_MALFORMED", "The receipt token is malformed: " + why + ".",
                         "回执凭证格式错误。", "token");
}

}  // namespace

std::string ReceiptKeys::key_id() const {
  unsigned char hash[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(hash, public_key.data(), public_key.size());
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 8; ++i) { out += hex[hash[i] >> 4]; out += hex[hash[i] & 15]; }
  return out;
}

std::string random_seed() {
  init_sodium();
  std::string seed(crypto_sign_SEEDBYTES, '\0');
  randombytes_buf(seed.data(), seed.size());
  return seed;
}

sdk::Result<ReceiptKeys> receipt_keys_from_seed(std::string_view seed) {
  init_sodium();
  std::string s = seed.empty() ? random_seed() : std::string(seed);
  if (s.size() != crypto_sign_SEEDBYTES)
    return sdk::make_error("SIGNING_KEY_INVALID", "The receipt signing seed must be 32 bytes.",
                           "回执签名密钥无效。");
  ReceiptKeys k;
  crypto_sign_seed_keypair(k.public_key.data(), k.secret_key.data(),
                           reinterpret_cast<const unsigned char*>(s.data()));
  return k;
}

std::string base64url_encode(std::string_view b) {
  init_sodium();
  std::string out(sodium_base64_encoded_len(b.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(b.data()), b.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

std::string base64_encode(std::string_view b) {
  init_sodium();
  std::string out(sodium_base64_encoded_len(b.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(b.data()), b.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

static bool decode(std::string_view text, std::string& out, int variant) {
  init_sodium();
  out.assign(text.size(), '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                        nullptr, &len, &end, variant) != 0 ||
      end != text.data() + text.size())
    return false;
  out.resize(len);
  return true;
}

bool base64url_decode(std::string_view text, std::string& out) {
  return decode(text, out, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}
bool base64_decode(std::string_view text, std::string& out) {
  return decode(text, out, sodium_base64_VARIANT_ORIGINAL);
}

std::string sign_receipt(const nlohmann::json& payload, const ReceiptKeys& keys) {
  nlohmann::json p = payload;
  p["kid"] = keys.key_id();
  std::string body = base64url_encode(p.dump());
  std::string message = std::string(kContext) + body;
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       keys.secret_key.data());
  return body + "." + base64url_encode(std::string_view(reinterpret_cast<char*>(sig), sizeof sig));
}

sdk::Result<nlohmann::json> verify_receipt(std::string_view token, const std::array<std::uint8_t, 32>& pk) {
  init_sodium();
  if (token.size() > 4096) return malformed("longer than 4096 characters");
  auto dot = token.find('.');
  if (dot == std::string_view::npos || token.find('.', dot + 1) != std::string_view::npos)
    return malformed("expected two parts separated by one '.'");
  std::string_view body = token.substr(0, dot), sig64 = token.substr(dot + 1);
  std::string payload, sig;
  if (!base64url_decode(body, payload)) return malformed("the payload is not base64url");
  if (!base64url_decode(sig64, sig) || sig.size() != crypto_sign_BYTES)
    return malformed("the signature is not 64 base64url-encoded bytes");
  // Only the canonical encoding is accepted: no second spelling of the same token.
  if (base64url_encode(payload) != body || base64url_encode(sig) != sig64)
    return malformed("not in canonical base64url");
  std::string message = std::string(kContext) + std::string(body);
  if (crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig.data()),
                                  reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                                  pk.data()) != 0)
    return sdk::make_error("RECEIPT_SIGNATURE_INVALID",
                           "The receipt's signature is not valid: it was altered or not issued by this office.",
                           "回执签名无效：回执已被篡改或并非本机构签发。", "token");
  auto j = nlohmann::json::parse(payload, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return malformed("the payload is not a JSON object");
  ReceiptKeys k;
  k.public_key = pk;
  if (j.value("kid", "") != k.key_id())
    return sdk::make_error("RECEIPT_KEY_MISMATCH", "The receipt names another signing key.",
                           "回执签名密钥不匹配。", "token");
  return j;
}

sdk::Result<std::array<std::uint8_t, 32>> parse_public_key(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
  std::string raw;
  if (!base64_decode(text, raw) || raw.size() != 32)
    return sdk::make_error("PUBLIC_KEY_INVALID", "The public key must be the base64 of 32 bytes (Ed25519).",
                           "公钥应为 32 字节 Ed25519 公钥的 base64 编码。", "public_key");
  std::array<std::uint8_t, 32> out{};
  std::copy(raw.begin(), raw.end(), out.begin());
  return out;
}

}  // namespace shiming::print
