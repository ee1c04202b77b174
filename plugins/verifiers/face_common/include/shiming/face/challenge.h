#pragma once
// The random action sequence of a liveness challenge.
#include <string>
#include <vector>

namespace shiming::face {

// The actions a province may enable.
const std::vector<std::string>& liveness_actions();  // blink turn_left turn_right nod open_mouth

// `length` distinct actions drawn uniformly (CSPRNG, OpenSSL RAND_bytes) from
// `enabled`, in random order. Throws std::invalid_argument when `enabled`
// holds an unknown action or fewer than `length` distinct ones, or length < 1.
std::vector<std::string> draw_challenge(const std::vector<std::string>& enabled, int length);

// A fresh random nonce (32 hex characters, 128 bits).
std::string new_nonce();

}  // namespace shiming::face
