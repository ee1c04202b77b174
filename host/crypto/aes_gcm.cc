#include "crypto/aes_gcm.h"

#include <memory>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/rand.h>

namespace shiming::crypto::aes_gcm {
namespace {
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;
Ctx new_ctx() {
  Ctx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!ctx) throw std::runtime_error("EVP_CIPHER_CTX_new failed");
  return ctx;
}
}  // namespace

std::vector<std::uint8_t> seal(const std::array<std::uint8_t, 32>& key, const std::uint8_t* data,
                               std::size_t size, std::string_view aad) {
  std::vector<std::uint8_t> out(kNonceSize + size + kTagSize);
  if (RAND_bytes(out.data(), kNonceSize) != 1) throw std::runtime_error("RAND_bytes failed");
  auto ctx = new_ctx();
  int len = 0;
  bool ok = EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceSize, nullptr) == 1 &&
            EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), out.data()) == 1;
  if (ok && !aad.empty())
    ok = EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                           static_cast<int>(aad.size())) == 1;
  std::size_t written = 0;
  if (ok && size > 0) {
    ok = EVP_EncryptUpdate(ctx.get(), out.data() + kNonceSize, &len, data, static_cast<int>(size)) == 1;
    written = static_cast<std::size_t>(len);
  }
  if (ok) ok = EVP_EncryptFinal_ex(ctx.get(), out.data() + kNonceSize + written, &len) == 1;
  if (ok)
    ok = EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, out.data() + kNonceSize + size) == 1;
  if (!ok) throw std::runtime_error("AES-256-GCM encryption failed");
  return out;
}

std::optional<std::vector<std::uint8_t>> open(const std::array<std::uint8_t, 32>& key,
                                              const std::uint8_t* sealed, std::size_t size,
                                              std::string_view aad) {
  if (size < kNonceSize + kTagSize) return std::nullopt;
  std::size_t ct_size = size - kNonceSize - kTagSize;
  std::vector<std::uint8_t> out(ct_size);
  auto ctx = new_ctx();
  int len = 0;
  std::uint8_t tag[kTagSize];
  std::copy(sealed + kNonceSize + ct_size, sealed + size, tag);
  bool ok = EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceSize, nullptr) == 1 &&
            EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), sealed) == 1;
  if (ok && !aad.empty())
    ok = EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                           static_cast<int>(aad.size())) == 1;
  std::size_t written = 0;
  if (ok && ct_size > 0) {
    ok = EVP_DecryptUpdate(ctx.get(), out.data(), &len, sealed + kNonceSize, static_cast<int>(ct_size)) == 1;
    written = static_cast<std::size_t>(len);
  }
  if (ok) ok = EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag) == 1;
  std::uint8_t final_buf[16];
  if (ok) ok = EVP_DecryptFinal_ex(ctx.get(), ct_size ? out.data() + written : final_buf, &len) == 1;
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace shiming::crypto::aes_gcm
