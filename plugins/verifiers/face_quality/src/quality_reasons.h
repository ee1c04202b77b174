#pragma once
// Reason codes of face_quality with their messages and the advice a citizen needs.
#include <string>

#include "shiming/sdk/finding.h"

namespace shiming::face_quality {

// Known codes: NO_FACE MULTIPLE_FACES FACE_TOO_SMALL FACE_TOO_CLOSE FACE_NOT_CENTERED
// IMAGE_BLURRY FACE_TOO_DARK FACE_OVEREXPOSED BACKLIGHT BACKGROUND_NOT_PLAIN
// EYES_CLOSED SUNGLASSES FACE_MASK HEAD_NOT_FRONTAL. Throws on an unknown code.
sdk::Reason quality_reason(const std::string& code);

}  // namespace shiming::face_quality
