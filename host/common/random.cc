#include "common/random.h"

#include <stdexcept>
#include <vector>

#include <openssl/rand.h>

namespace shiming {
namespace {
std::vector<unsigned char> random_bytes(std::size_t n) {
  std::vector<unsigned char> b(n);
  if (RAND_bytes(b.data(), static_cast<int>(n)) != 1) throw std::runtime_error("RAND_bytes failed");
  return b;
}
}  // namespace

std::string random_token(std::size_t bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  auto b = random_bytes(bytes);
  std::string out;
  // base64url without padding
  std::size_t i = 0;
  for (; i + 2 < b.size(); i += 3) {
    unsigned v = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
    out += kAlphabet[(v >> 18) & 63]; out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63]; out += kAlphabet[v & 63];
  }
  if (i < b.size()) {
    unsigned v = b[i] << 16;
    if (i + 1 < b.size()) v |= b[i + 1] << 8;
    out += kAlphabet[(v >> 18) & 63]; out += kAlphabet[(v >> 12) & 63];
    if (i + 1 < b.size()) out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

std::string random_id() {
  static constexpr char kHex[] = "0123456789abcdef";
  auto b = random_bytes(16);
  std::string out;
  for (unsigned char c : b) { out += kHex[c >> 4]; out += kHex[c & 15]; }
  return out;
}

}  // namespace shiming
