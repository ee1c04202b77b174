#pragma once
// A province's working-day calendar: weekends and public holidays are off,
// make-up working days (调休, often a Saturday or Sunday) are on. Dates are
// civil dates in Asia/Shanghai (UTC+8, no daylight saving).
#include <set>

#include "common/dates.h"

namespace shiming::rules {

class Calendar {
 public:
  Calendar() = default;
  // `years`: the years the rules give a calendar for (see covers()).
  Calendar(std::set<Date> holidays, std::set<Date> workdays, std::set<int> years = {});

  // A make-up working day is always a working day; otherwise holidays and
  // Saturdays/Sundays are not.
  bool is_working_day(Date day) const;

  // The deadline of an SLA of `n` working days started at `start`: the end
  // (23:59:59 Asia/Shanghai) of the n-th working day after the start's date.
  // n == 0: the end of the first working day on or after the start's date.
  // REQUIRES: n >= 0.
  TimePoint add_working_days(TimePoint start, int n) const;

  // Working days in (from, to]: add_working_days(t, n) falls on a day d with
  // working_days_between(china_date(t), d) == n. Negative when to < from.
  int working_days_between(Date from, Date to) const;

  // False for a day in a year the rules have no calendar for: only weekends
  // count as days off there, so SLA deadlines may be too early. The host can
  // warn when computing deadlines for such days.
  bool covers(Date day) const { return years_.count(int(day.year())) > 0; }
  const std::set<int>& years() const { return years_; }

  const std::set<Date>& holidays() const { return holidays_; }
  const std::set<Date>& workdays() const { return workdays_; }

 private:
  std::set<Date> holidays_;
  std::set<Date> workdays_;
  std::set<int> years_;
};

// The instant 23:59:59 of `day` in Asia/Shanghai.
TimePoint end_of_china_day(Date day);

}  // namespace shiming::rules
