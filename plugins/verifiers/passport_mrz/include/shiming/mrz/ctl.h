// shimingctl subcommands of the passport MRZ module. shimingctl's main passes the arguments after
// "mrz parse" / "ocr passport".
#pragma once

#include <istream>
#include <ostream>
#include <string>
#include <vector>

namespace shiming::mrz {

// `shimingctl mrz parse [--no-correct] [--reference-year YYYY] [--text]` reads the 2 or 3 MRZ
// lines from `in` and prints the JSON of to_json() (format, mrz, mrz_corrected, valid, fields,
// checks with each check digit's found/expected/ok, corrections, problems); --text prints a
// readable summary instead. Returns 0 when valid, 1 when a check fails, 2 on bad input or usage
// (the error envelope {"error":{code,message,message_zh}} on out, the message on err).
// Library: shiming_mrz.
int run_mrz_parse(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                  std::ostream& err);

// `shimingctl ocr passport FILE [--json]` finds and reads the MRZ of a passport data page image
// (JPEG/PNG). --json prints {"file","found","mrz":[lines as read],"valid","fields":{...},
// "checks":[...],"corrections":[...],"timing_ms"}; otherwise a readable summary. Returns 0 when
// read and valid, 1 when not found or a check fails, 2 on usage errors or unreadable files.
// Library: shiming_mrz_reader (links shiming_mrz).
int run_ocr_passport(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace shiming::mrz
