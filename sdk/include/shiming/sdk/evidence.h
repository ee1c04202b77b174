#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace shiming::sdk {

// Well-known evidence kinds. Channels may define more (lower-case, dashes).
namespace evidence_kind {
inline constexpr const char* kIdFront = "id-front";
inline constexpr const char* kIdBack = "id-back";
inline constexpr const char* kFace = "face";                  // one live photo
inline constexpr const char* kLivenessVideo = "liveness-video";
inline constexpr const char* kIdPortrait = "id-portrait";     // derived: portrait cropped from the card
inline constexpr const char* kPassport = "passport";
inline constexpr const char* kDiploma = "diploma";
inline constexpr const char* kFingerprint = "fingerprint";
inline constexpr const char* kEmbassyCertificate = "embassy-certificate";
}  // namespace evidence_kind

// Decrypted evidence as handed to a plugin. The host stores it encrypted.
struct Evidence {
  std::string kind;
  std::string content_type;  // image/jpeg, image/png, video/x-motion-jpeg, ...
  std::vector<std::uint8_t> data;
  nlohmann::json meta = nlohmann::json::object();  // e.g. liveness nonce, capture device
};

}  // namespace shiming::sdk
