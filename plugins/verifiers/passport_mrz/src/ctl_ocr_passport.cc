#include <fstream>
#include <iterator>

#include "shiming/mrz/ctl.h"
#include "shiming/mrz/mrz_reader.h"
#include "summary.h"

namespace shiming::mrz {

int run_ocr_passport(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string file;
  bool json = false;
  for (const auto& a : args) {
    if (a == "--json") json = true;
    else if (!a.empty() && a[0] != '-' && file.empty()) file = a;
    else {
      err << "usage: shimingctl ocr passport FILE [--json]\n";
      return 2;
    }
  }
  if (file.empty()) {
    err << "usage: shimingctl ocr passport FILE [--json]\n";
    return 2;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    err << "ocr passport: cannot open " << file << "\n";
    return 2;
  }
  std::vector<std::uint8_t> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto r = read_mrz(data);
  if (!r.ok()) {
    if (json)
      out << nlohmann::json{{"error", {{"code", r.error().code}, {"message", r.error().message},
                                       {"message_zh", r.error().message_zh}}}}.dump(2) << "\n";
    err << "ocr passport: " << r.error().message << "\n";
    return 2;
  }
  const ReadResult& rr = *r;
  if (json) {
    nlohmann::json j = rr.parsed ? to_json(*rr.parsed) : nlohmann::json{{"mrz", rr.lines}, {"valid", false}};
    j["file"] = file;
    j["found"] = rr.found && rr.parsed.has_value();
    j["engine"] = rr.engine;
    j["timing_ms"] = rr.millis;
    out << j.dump(2) << "\n";
  } else if (!rr.parsed) {
    out << "no machine-readable zone found in " << file << "\n";
    for (const auto& l : rr.lines) out << "read: " << l << "\n";
  } else {
    print_summary(*rr.parsed, out);
  }
  return rr.parsed && rr.parsed->valid ? 0 : 1;
}

}  // namespace shiming::mrz
