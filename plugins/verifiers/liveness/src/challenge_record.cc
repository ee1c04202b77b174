#include "challenge_record.h"

#include <openssl/evp.h>

#include "iso_time.h"
#include "shiming/face/challenge.h"

namespace shiming::liveness {

std::string sha256_hex(const std::vector<std::uint8_t>& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 15]);
  }
  return out;
}

ClaimedChallenge claim_challenge(sdk::RecordStore& records, const std::string& nonce, const std::string& case_id,
                                 std::chrono::system_clock::time_point uploaded_at, const std::string& clip_sha256,
                                 std::chrono::system_clock::time_point now) {
  ClaimedChallenge out;
  auto refuse = [&](const char* code, std::string detail = {}) {
    out.problem = code;
    out.detail = std::move(detail);
    return out;
  };
  if (nonce.empty()) return refuse("LIVENESS_NONCE_MISSING");
  auto rec = records.get(kChallengeCollection, nonce);
  if (!rec || !rec->is_object()) return refuse("LIVENESS_NONCE_UNKNOWN");
  if (rec->value("case_id", std::string()) != case_id) return refuse("LIVENESS_NONCE_WRONG_CASE");
  if (rec->value("used", false) && rec->value("used_clip_sha256", std::string()) != clip_sha256) {
    return refuse("LIVENESS_NONCE_USED");
  }
  auto issued = parse_iso8601(rec->value("issued_at", std::string()));
  auto expires = parse_iso8601(rec->value("expires_at", std::string()));
  if (!issued || !expires || !rec->contains("actions") || !(*rec)["actions"].is_array()) {
    return refuse("LIVENESS_CHALLENGE_INVALID", "(issued_at, expires_at or actions unreadable)");
  }
  if (uploaded_at > *expires) {
    return refuse("LIVENESS_NONCE_EXPIRED", "(expired " + rec->value("expires_at", std::string()) + ")");
  }
  if (uploaded_at + std::chrono::seconds(5) < *issued) {
    return refuse("LIVENESS_CHALLENGE_INVALID", "(uploaded before the challenge was issued)");
  }
  const auto& known = face::liveness_actions();
  for (const auto& a : (*rec)["actions"]) {
    if (!a.is_string() || std::find(known.begin(), known.end(), a.get<std::string>()) == known.end()) {
      return refuse("LIVENESS_CHALLENGE_INVALID", "(unknown action)");
    }
    out.actions.push_back(a.get<std::string>());
  }
  if (out.actions.empty()) return refuse("LIVENESS_CHALLENGE_INVALID", "(no actions)");
  nlohmann::json used = *rec;
  used["used"] = true;
  used["used_at"] = format_iso8601(now);
  used["used_clip_sha256"] = clip_sha256;
  auto st = records.put(kChallengeCollection, nonce, used);
  if (!st.ok()) return refuse("LIVENESS_CHALLENGE_INVALID", "(could not mark it used: " + st.error().message + ")");
  return out;
}

}  // namespace shiming::liveness
