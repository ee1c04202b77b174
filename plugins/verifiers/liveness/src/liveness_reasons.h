#pragma once
// Reason codes of the liveness step, with messages and advice.
#include <string>

#include "shiming/sdk/finding.h"

namespace shiming::liveness {

// LIVENESS_NONCE_MISSING LIVENESS_NONCE_UNKNOWN LIVENESS_NONCE_WRONG_CASE LIVENESS_NONCE_USED
// LIVENESS_NONCE_EXPIRED LIVENESS_CHALLENGE_INVALID NO_FACE FACE_TOO_DARK FACE_TOO_SMALL MULTIPLE_FACES FACE_NOT_VISIBLE
// ACTION_NOT_PERFORMED FACE_CHANGED STATIC_PHOTO SCREEN_REPLAY PRINTED_PHOTO SPOOF_TEXTURE; CLIP_* codes of decoding get
// the advice to record again. Throws on an unknown code.
sdk::Reason liveness_reason(const std::string& code, const std::string& detail = {});

}  // namespace shiming::liveness
