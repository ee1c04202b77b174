#include "time_text.h"

#include <cstdio>

namespace shiming::overseas {
namespace {

bool digits(const std::string& s, std::size_t at, std::size_t n, int& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

std::optional<int> parse_offset(const std::string& t) {
  if (t == "Z") return 0;
  int h, m;
  if (t.size() != 6 || (t[0] != '+' && t[0] != '-') || t[3] != ':' || !digits(t, 1, 2, h) || !digits(t, 4, 2, m) ||
      m > 59 || h * 60 + m > 14 * 60)
    return std::nullopt;
  return (t[0] == '-' ? -1 : 1) * (h * 60 + m);
}

std::optional<Seconds> parse_datetime(const std::string& t) {
  using namespace std::chrono;
  int y, mo, d, h, mi, s;
  if (t.size() < 20 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':') return std::nullopt;
  if (!digits(t, 0, 4, y) || !digits(t, 5, 2, mo) || !digits(t, 8, 2, d) || !digits(t, 11, 2, h) ||
      !digits(t, 14, 2, mi) || !digits(t, 17, 2, s) || h > 23 || mi > 59 || s > 59)
    return std::nullopt;
  auto off = parse_offset(t.substr(19));
  if (!off) return std::nullopt;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return Seconds{sys_days{ymd}} + hours{h} + minutes{mi} + seconds{s} - minutes{*off};
}

std::string format_datetime(Seconds t, int offset_minutes) {
  using namespace std::chrono;
  auto local = t + minutes{offset_minutes};
  auto day = floor<days>(local);
  year_month_day ymd{day};
  hh_mm_ss hms{local - day};
  int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  char b[40];
  std::snprintf(b, sizeof b, "%04d-%02u-%02uT%02ld:%02ld:%02ld%c%02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long>(hms.seconds().count()), offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
  return b;
}

}  // namespace shiming::overseas
