// `shimingctl id check NUMBER... [--json]`, called by shimingctl's main with the arguments after
// "id check".
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace shiming::idnumber {

// Prints each number's verdict per rule (format, check_character, birth_date, age, region) and
// the 18-digit form of a 15-digit number; --json prints one JSON object per line:
//   {"input":..., "valid":bool, "normalized":..., "checks":{rule:{"ok":bool,"code":...,"detail":...}},
//    "birth_date":"YYYY-MM-DD"|null, "sex":"M"|"F"|null, "region":{"code","name","known","residence_permit"}}
// `--today YYYY-MM-DD` overrides today's date (Asia/Shanghai by default).
// Returns 0 if every number is valid, 1 if any is not, 2 on a usage error (message on err).
int run_id_check(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace shiming::idnumber
