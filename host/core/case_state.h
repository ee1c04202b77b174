#pragma once
// The case state machine. A case is one verification attempt of a candidate.
//
//   collecting --submit--> submitted --pipeline--> verified | pending_review | rejected
//   pending_review --reviewer--> verified | rejected
//   any state but verified --deadline--> expired
//
// A candidate is "unverified" (未认证) until one of their cases is verified;
// remediation (补实名) opens a new case, the old one stays as history.
#include <string>
#include <string_view>
#include <vector>

#include "shiming/sdk/result.h"

namespace shiming {

namespace case_status {
inline constexpr const char* kCollecting = "collecting";
inline constexpr const char* kSubmitted = "submitted";
inline constexpr const char* kPendingReview = "pending_review";
inline constexpr const char* kVerified = "verified";
inline constexpr const char* kRejected = "rejected";
inline constexpr const char* kExpired = "expired";
}  // namespace case_status

bool is_known_status(std::string_view status);
bool is_final_status(std::string_view status);

// OK when `role` may move a case from `from` to `to`; otherwise an error with
// code ILLEGAL_TRANSITION (HTTP 409) or FORBIDDEN_TRANSITION (HTTP 403).
sdk::Status check_transition(std::string_view from, std::string_view to, std::string_view role);

// zh-CN label of a status for citizens (已实名, 待审核 ...).
const char* status_label_zh(std::string_view status);

}  // namespace shiming
