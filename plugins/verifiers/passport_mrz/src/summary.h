// A readable summary of a parsed zone for shimingctl's text output.
#pragma once

#include <ostream>

#include "shiming/mrz/mrz.h"

namespace shiming::mrz {

void print_summary(const ParsedMrz& p, std::ostream& out);

}  // namespace shiming::mrz
