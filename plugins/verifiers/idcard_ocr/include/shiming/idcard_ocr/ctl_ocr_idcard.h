// `shimingctl ocr idcard --front F [--back B] [--json] [--name N] [--id-number X]
//  [--exam-date YYYY-MM-DD] [--today YYYY-MM-DD]`, called by shimingctl's main with the
// arguments after "ocr idcard".
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace shiming::idcard_ocr {

// Prints the fields, confidences, reason codes and timings (human-readable, or with --json one
// object: {"fields":{...},"confidence":{...},"reasons":[{"code","message","message_zh","advice",
// "advice_zh"}],"verdict":"pass|fail|needs_review","front":{quality,timings_ms,...},"back":{...}}).
// Returns 0 when the verdict is pass, 1 otherwise, 2 on a usage error (message on err).
int run_ocr_idcard(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace shiming::idcard_ocr
