#include <iterator>
#include <sstream>

#include "shiming/mrz/ctl.h"
#include "shiming/mrz/mrz.h"
#include "summary.h"

namespace shiming::mrz {

int run_mrz_parse(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                  std::ostream& err) {
  ParseOptions options;
  bool text = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--no-correct") {
      options.correct = false;
    } else if (a == "--text") {
      text = true;
    } else if (a == "--json") {
      text = false;
    } else if (a == "--reference-year" && i + 1 < args.size()) {
      try {
        options.reference_year = std::stoi(args[++i]);
      } catch (const std::exception&) {
        err << "mrz parse: --reference-year needs a year\n";
        return 2;
      }
      if (options.reference_year < 1900 || options.reference_year > 2999) {
        err << "mrz parse: --reference-year out of range\n";
        return 2;
      }
    } else {
      err << "usage: shimingctl mrz parse [--no-correct] [--reference-year YYYY] [--text] < lines\n";
      return 2;
    }
  }
  // Bounded read: an MRZ is at most 3 x 44 characters; refuse floods.
  std::string input;
  char buf[4096];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    input.append(buf, static_cast<std::size_t>(in.gcount()));
    if (input.size() > 64 * 1024) {
      err << "mrz parse: input too long (an MRZ has at most 3 lines)\n";
      return 2;
    }
  }
  auto parsed = parse(split_lines(input), options);
  if (!parsed.ok()) {
    const auto& e = parsed.error();
    if (text) {
      out << "error " << e.code << ": " << e.message << "\n" << e.message_zh << "\n";
    } else {
      out << nlohmann::json{{"error", {{"code", e.code}, {"message", e.message}, {"message_zh", e.message_zh}}}}
                 .dump(2)
          << "\n";
    }
    err << "mrz parse: " << e.message << "\n";
    return 2;
  }
  if (text) print_summary(*parsed, out);
  else out << to_json(*parsed).dump(2) << "\n";
  return parsed->valid ? 0 : 1;
}

}  // namespace shiming::mrz
