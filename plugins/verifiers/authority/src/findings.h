#pragma once
// The findings of the authority step: every gateway answer, and the cases
// where no answer could be had, as reason codes with citizen-facing advice
// in English and zh-CN.
#include <chrono>
#include <optional>
#include <string>

#include "shiming/authority/protocol.h"
#include "shiming/sdk/finding.h"

namespace shiming::authority {

struct AnswerPolicy {
  sdk::Outcome on_photo_mismatch = sdk::Outcome::needs_review;
  sdk::Outcome on_id_cancelled = sdk::Outcome::fail;
};

// A final answer (match, name_mismatch, id_not_found, id_cancelled, photo_mismatch).
// `similarity` is the gateway's photo similarity when a photo was sent.
sdk::Finding finding_for_answer(Answer answer, std::optional<double> similarity,
                                const AnswerPolicy& policy);

// The authority could not be reached or asked us to wait: the case stays in
// the queue ("checking, please wait") and the job runs again after `after`.
sdk::Finding waiting_finding(const std::string& code, const std::string& why,
                             std::chrono::seconds after);

// A problem a person must look at (bad configuration, refused request).
sdk::Finding error_finding(const std::string& code, const std::string& message,
                           const std::string& message_zh);

// The local face comparison (face_match) found a clear mismatch.
sdk::Finding local_face_mismatch_finding();

}  // namespace shiming::authority
