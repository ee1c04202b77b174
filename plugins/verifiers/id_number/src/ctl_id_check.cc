// shimingctl id check NUMBER... [--json] [--today YYYY-MM-DD]
#include "shiming/idnumber/ctl_id_check.h"

#include <iomanip>
#include <optional>

#include <nlohmann/json.hpp>

#include "shiming/idnumber/id_number.h"

namespace shiming::idnumber {
namespace {

using namespace std::chrono;

constexpr const char* kUsage =
    "usage: shimingctl id check NUMBER... [--json] [--today YYYY-MM-DD]\n"
    "  Checks resident ID numbers (GB 11643-1999): format, check character, birth date, age,\n"
    "  region (GB/T 2260, unknown = warning) and prints the 18-digit form of 15-digit numbers.\n"
    "  --json   one JSON object per number and line\n"
    "  --today  the date the birth date must not be after (default: today, UTC+8)\n"
    "  Exit code: 0 all valid, 1 some invalid, 2 usage error.\n";

std::optional<year_month_day> parse_ymd(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  year_month_day d{year{std::stoi(s.substr(0, 4))}, month{static_cast<unsigned>(std::stoi(s.substr(5, 2)))},
                   day{static_cast<unsigned>(std::stoi(s.substr(8, 2)))}};
  if (!d.ok()) return std::nullopt;
  return d;
}

std::string birth_text(const IdCheck& c) {
  if (!c.birth) return {};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(c.birth->year()),
                static_cast<unsigned>(c.birth->month()), static_cast<unsigned>(c.birth->day()));
  return buf;
}

nlohmann::ordered_json to_json(const IdCheck& c) {
  nlohmann::ordered_json j;
  j["input"] = c.input;
  j["valid"] = c.valid;
  j["normalized"] = c.normalized.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(c.normalized);
  nlohmann::ordered_json checks = nlohmann::ordered_json::object();
  for (const auto& rc : c.checks)
    checks[rc.rule] = {{"ok", rc.ok}, {"code", rc.code}, {"detail", rc.detail}};
  j["checks"] = checks;
  j["birth_date"] = c.birth ? nlohmann::ordered_json(birth_text(c)) : nlohmann::ordered_json(nullptr);
  j["sex"] = c.sex ? nlohmann::ordered_json(std::string(1, c.sex)) : nlohmann::ordered_json(nullptr);
  if (!c.region_code.empty())
    j["region"] = {{"code", c.region_code},
                   {"name", c.region_name},
                   {"known", c.region_known},
                   {"residence_permit", c.residence_permit}};
  else
    j["region"] = nullptr;
  return j;
}

// The input for a terminal: control characters shown as '?', so no escape sequence is echoed.
std::string printable(const std::string& s) {
  std::string out = s;
  for (char& ch : out)
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = '?';
  return out;
}

void print_text(const IdCheck& c, std::ostream& out) {
  out << printable(c.input) << "  " << (c.valid ? "VALID" : "INVALID");
  if (!c.normalized.empty() && c.normalized != c.input) out << "  18-digit: " << c.normalized;
  out << "\n";
  for (const auto& rc : c.checks) {
    out << "  " << std::left << std::setw(16) << rc.rule << std::setw(6)
        << (rc.ok ? "ok" : (rc.code == kRegionUnknown ? "warn" : "FAIL"));
    if (!rc.code.empty()) out << rc.code << ": ";
    out << rc.detail << "\n";
  }
}

}  // namespace

int run_id_check(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  bool json = false;
  Options options;
  std::vector<std::string> numbers;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--json") {
      json = true;
    } else if (a == "--help" || a == "-h") {
      out << kUsage;
      return 0;
    } else if (a == "--today" || a.rfind("--today=", 0) == 0) {
      std::string value;
      if (a == "--today") {
        if (i + 1 >= args.size()) {
          err << "id check: --today needs a date YYYY-MM-DD\n" << kUsage;
          return 2;
        }
        value = args[++i];
      } else {
        value = a.substr(8);
      }
      auto d = parse_ymd(value);
      if (!d) {
        err << "id check: --today: '" << value << "' is not a date YYYY-MM-DD\n";
        return 2;
      }
      options.today = *d;
    } else if (a.size() > 1 && a[0] == '-' && a[1] == '-') {
      err << "id check: unknown option '" << a << "'\n" << kUsage;
      return 2;
    } else {
      numbers.push_back(a);
    }
  }
  if (numbers.empty()) {
    err << "id check: no ID number given\n" << kUsage;
    return 2;
  }
  bool all_valid = true;
  for (const auto& number : numbers) {
    IdCheck c = check(number, options);
    all_valid = all_valid && c.valid;
    if (json)
      out << to_json(c).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
    else
      print_text(c, out);
  }
  return all_valid ? 0 : 1;
}

}  // namespace shiming::idnumber
