#pragma once
// The liveness challenge the host stored (collection liveness_challenges,
// key = nonce): {"case_id", "actions", "issued_at", "expires_at", "used"}.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "shiming/sdk/finding.h"
#include "shiming/sdk/services.h"

namespace shiming::liveness {

inline constexpr const char* kChallengeCollection = "liveness_challenges";

struct ClaimedChallenge {
  std::vector<std::string> actions;
  std::optional<std::string> problem;  // a liveness reason code when refused
  std::string detail;
};

// Checks the nonce belongs to `case_id`, was not used by another upload and had
// not expired at `uploaded_at`, then marks it used (with the clip's hash, so a
// retried job re-checking the same upload is not refused).
ClaimedChallenge claim_challenge(sdk::RecordStore& records, const std::string& nonce, const std::string& case_id,
                                 std::chrono::system_clock::time_point uploaded_at, const std::string& clip_sha256,
                                 std::chrono::system_clock::time_point now);

std::string sha256_hex(const std::vector<std::uint8_t>& data);

}  // namespace shiming::liveness
