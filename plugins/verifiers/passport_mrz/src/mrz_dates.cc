// Two-digit MRZ years to calendar dates.
#include <chrono>

#include "shiming/mrz/mrz.h"

namespace shiming::mrz {
namespace {

bool digits(std::string_view s) {
  if (s.size() != 6) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::string format(int y, int m, int d, std::string* problem) {
  using namespace std::chrono;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) {
    if (problem) *problem = "not a calendar date";
    return {};
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

std::string convert(std::string_view s, int reference_year, bool birth, std::string* problem) {
  if (!digits(s)) {
    if (problem) *problem = s.find('<') != std::string_view::npos ? "unknown date" : "not six digits";
    return {};
  }
  int yy = (s[0] - '0') * 10 + (s[1] - '0');
  int mm = (s[2] - '0') * 10 + (s[3] - '0');
  int dd = (s[4] - '0') * 10 + (s[5] - '0');
  if (reference_year <= 0) {
    using namespace std::chrono;
    reference_year = static_cast<int>(year_month_day{floor<days>(system_clock::now())}.year());
  }
  int y = reference_year - reference_year % 100 + yy;
  if (birth) {
    if (y > reference_year) y -= 100;
  } else {
    if (y < reference_year - 50) y += 100;
    else if (y >= reference_year + 50) y -= 100;
  }
  return format(y, mm, dd, problem);
}

}  // namespace

std::string birth_date(std::string_view yymmdd, int reference_year, std::string* problem) {
  return convert(yymmdd, reference_year, true, problem);
}

std::string expiry_date(std::string_view yymmdd, int reference_year, std::string* problem) {
  return convert(yymmdd, reference_year, false, problem);
}

}  // namespace shiming::mrz
