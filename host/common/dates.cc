#include "common/dates.h"

#include <cstdio>

namespace shiming {
namespace {
bool digits(std::string_view s) {
  for (char c : s) if (c < '0' || c > '9') return false;
  return !s.empty();
}
int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}
}  // namespace

std::optional<Date> parse_date(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  if (!digits(t.substr(0, 4)) || !digits(t.substr(5, 2)) || !digits(t.substr(8, 2))) return std::nullopt;
  Date d{std::chrono::year{to_int(t.substr(0, 4))}, std::chrono::month{unsigned(to_int(t.substr(5, 2)))},
         std::chrono::day{unsigned(to_int(t.substr(8, 2)))}};
  if (!d.ok()) return std::nullopt;
  return d;
}

std::string format_date(const Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(d.year()), unsigned(d.month()), unsigned(d.day()));
  return buf;
}

std::string format_time(TimePoint t) {
  auto secs = std::chrono::floor<std::chrono::seconds>(t);
  auto days = std::chrono::floor<std::chrono::days>(secs);
  Date d{days};
  std::chrono::hh_mm_ss hms{secs - days};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", int(d.year()), unsigned(d.month()),
                unsigned(d.day()), long(hms.hours().count()), long(hms.minutes().count()),
                long(hms.seconds().count()));
  return buf;
}

std::optional<TimePoint> parse_time(std::string_view t) {
  // YYYY-MM-DDTHH:MM[:SS](Z|+HH:MM|-HH:MM)
  if (t.size() < 17) return std::nullopt;
  auto d = parse_date(t.substr(0, 10));
  if (!d || (t[10] != 'T' && t[10] != ' ')) return std::nullopt;
  std::string_view rest = t.substr(11);
  if (rest.size() < 5 || rest[2] != ':' || !digits(rest.substr(0, 2)) || !digits(rest.substr(3, 2)))
    return std::nullopt;
  int h = to_int(rest.substr(0, 2)), m = to_int(rest.substr(3, 2)), s = 0;
  rest = rest.substr(5);
  if (!rest.empty() && rest[0] == ':') {
    if (rest.size() < 3 || !digits(rest.substr(1, 2))) return std::nullopt;
    s = to_int(rest.substr(1, 2));
    rest = rest.substr(3);
  }
  if (h > 23 || m > 59 || s > 60) return std::nullopt;
  int offset_min = 0;
  if (rest == "Z") {
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':' &&
             digits(rest.substr(1, 2)) && digits(rest.substr(4, 2))) {
    offset_min = to_int(rest.substr(1, 2)) * 60 + to_int(rest.substr(4, 2));
    if (rest[0] == '-') offset_min = -offset_min;
  } else {
    return std::nullopt;
  }
  auto tp = std::chrono::sys_days{*d} + std::chrono::hours{h} + std::chrono::minutes{m} +
            std::chrono::seconds{s} - std::chrono::minutes{offset_min};
  return std::chrono::time_point_cast<std::chrono::system_clock::duration>(tp);
}

Date china_date(TimePoint t) {
  return Date{std::chrono::floor<std::chrono::days>(t + std::chrono::hours{8})};
}

}  // namespace shiming
