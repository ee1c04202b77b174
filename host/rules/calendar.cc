#include "rules/calendar.h"

namespace shiming::rules {

using std::chrono::days;
using std::chrono::sys_days;

Calendar::Calendar(std::set<Date> holidays, std::set<Date> workdays, std::set<int> years)
    : holidays_(std::move(holidays)), workdays_(std::move(workdays)), years_(std::move(years)) {}

bool Calendar::is_working_day(Date day) const {
  if (workdays_.count(day)) return true;
  if (holidays_.count(day)) return false;
  std::chrono::weekday wd{sys_days{day}};
  return wd != std::chrono::Saturday && wd != std::chrono::Sunday;
}

TimePoint end_of_china_day(Date day) {
  // 24:00 China time is 16:00 UTC of the same date; one second earlier.
  auto t = sys_days{day} + std::chrono::hours{16} - std::chrono::seconds{1};
  return std::chrono::time_point_cast<std::chrono::system_clock::duration>(t);
}

TimePoint Calendar::add_working_days(TimePoint start, int n) const {
  Date day = china_date(start);
  if (n <= 0) {
    while (!is_working_day(day)) day = Date{sys_days{day} + days{1}};
    return end_of_china_day(day);
  }
  int left = n;
  while (left > 0) {
    day = Date{sys_days{day} + days{1}};
    if (is_working_day(day)) --left;
  }
  return end_of_china_day(day);
}

int Calendar::working_days_between(Date from, Date to) const {
  if (sys_days{to} < sys_days{from}) return -working_days_between(to, from);
  int count = 0;
  for (sys_days d = sys_days{from} + days{1}; d <= sys_days{to}; d += days{1}) {
    if (is_working_day(Date{d})) ++count;
  }
  return count;
}

}  // namespace shiming::rules
