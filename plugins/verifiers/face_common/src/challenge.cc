#include "shiming/face/challenge.h"

#include <algorithm>
#include <cstdint>
#include <stdexcept>

#include <openssl/rand.h>

namespace shiming::face {
namespace {

std::uint32_t random_below(std::uint32_t n) {
  // Rejection sampling: no modulo bias.
  const std::uint32_t limit = UINT32_MAX - UINT32_MAX % n;
  while (true) {
    std::uint32_t v = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v) != 1) {
      throw std::runtime_error("the system random generator failed");
    }
    if (v < limit) return v % n;
  }
}

}  // namespace

const std::vector<std::string>& liveness_actions() {
  static const std::vector<std::string> kActions = {"blink", "turn_left", "turn_right", "nod", "open_mouth"};
  return kActions;
}

std::vector<std::string> draw_challenge(const std::vector<std::string>& enabled, int length) {
  if (length < 1) throw std::invalid_argument("challenge length must be at least 1");
  std::vector<std::string> pool;
  for (const auto& a : enabled) {
    const auto& known = liveness_actions();
    if (std::find(known.begin(), known.end(), a) == known.end()) {
      throw std::invalid_argument("unknown liveness action '" + a + "'");
    }
    if (std::find(pool.begin(), pool.end(), a) == pool.end()) pool.push_back(a);
  }
  if (int(pool.size()) < length) {
    throw std::invalid_argument("challenge length " + std::to_string(length) + " needs at least as many enabled actions, " +
                                std::to_string(pool.size()) + " enabled");
  }
  std::vector<std::string> out;
  for (int i = 0; i < length; ++i) {
    std::uint32_t k = random_below(std::uint32_t(pool.size()));
    out.push_back(pool[k]);
    pool.erase(pool.begin() + k);
  }
  return out;
}

std::string new_nonce() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("the system random generator failed");
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

}  // namespace shiming::face
