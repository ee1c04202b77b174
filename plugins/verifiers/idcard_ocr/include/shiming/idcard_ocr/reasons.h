// Reason codes of the idcard_ocr verifier with their messages and citizen advice (en, zh-CN).
#pragma once

#include <string_view>
#include <vector>

#include "shiming/sdk/finding.h"

namespace shiming::idcard_ocr {

// Throws nothing; an unknown code yields a generic reason carrying the code.
sdk::Reason reason_for(std::string_view code);
// Every code this verifier can report.
const std::vector<std::string_view>& reason_codes();
// Codes that mean "take the photo again" (image quality, framing, wrong document).
bool is_capture_problem(std::string_view code);

}  // namespace shiming::idcard_ocr
