#include "rules/calendar.h"

#include <gtest/gtest.h>

namespace shiming::rules {
namespace {

Date d(const char* s) { return *parse_date(s); }
TimePoint t(const char* s) { return *parse_time(s); }

std::set<Date> range(const char* from, const char* to) {
  std::set<Date> out;
  for (auto x = std::chrono::sys_days{d(from)}; x <= std::chrono::sys_days{d(to)}; x += std::chrono::days{1})
    out.insert(Date{x});
  return out;
}

// National Day 2026: Thu 10-01 .. Wed 10-07 off; Sunday 09-20 and Saturday 10-10 are
// make-up working days (调休).
Calendar national_day_2026() {
  return Calendar(range("2026-10-01", "2026-10-07"), {d("2026-09-20"), d("2026-10-10")});
}

TEST(Calendar, WeekendsHolidaysAndMakeUpDays) {
  Calendar c = national_day_2026();
  EXPECT_FALSE(c.is_working_day(d("2026-09-19")));  // Saturday
  EXPECT_TRUE(c.is_working_day(d("2026-09-20")));   // Sunday, make-up day
  EXPECT_TRUE(c.is_working_day(d("2026-09-25")));   // Friday
  EXPECT_FALSE(c.is_working_day(d("2026-09-26")));  // Saturday
  EXPECT_FALSE(c.is_working_day(d("2026-10-01")));  // Thursday, holiday
  EXPECT_FALSE(c.is_working_day(d("2026-10-03")));  // Saturday inside the holiday
  EXPECT_FALSE(c.is_working_day(d("2026-10-07")));  // Wednesday, last holiday
  EXPECT_TRUE(c.is_working_day(d("2026-10-08")));   // Thursday
  EXPECT_TRUE(c.is_working_day(d("2026-10-10")));   // Saturday, make-up day
  EXPECT_FALSE(c.is_working_day(d("2026-10-11")));  // Sunday
}

TEST(Calendar, HolidaySpanningAWeekend) {
  // Dragon Boat 2026: Fri 06-19 .. Sun 06-21 off.
  Calendar c(range("2026-06-19", "2026-06-21"), {});
  EXPECT_TRUE(c.is_working_day(d("2026-06-18")));
  EXPECT_FALSE(c.is_working_day(d("2026-06-19")));
  EXPECT_FALSE(c.is_working_day(d("2026-06-20")));
  EXPECT_FALSE(c.is_working_day(d("2026-06-21")));
  EXPECT_TRUE(c.is_working_day(d("2026-06-22")));
  // Thursday 10:00 + 1 working day: Friday is a holiday, the weekend too -> Monday.
  EXPECT_EQ(format_time(c.add_working_days(t("2026-06-18T10:00:00+08:00"), 1)), "2026-06-22T15:59:59Z");
  EXPECT_EQ(c.working_days_between(d("2026-06-18"), d("2026-06-22")), 1);
}

TEST(Calendar, AddWorkingDaysAcrossNationalDayWeek) {
  Calendar c = national_day_2026();
  // Submitted Wednesday 09-30 at 15:00 China time; 3 working days:
  // 10-08 (Thu), 10-09 (Fri), 10-10 (make-up Saturday).
  TimePoint due = c.add_working_days(t("2026-09-30T15:00:00+08:00"), 3);
  EXPECT_EQ(format_time(due), "2026-10-10T15:59:59Z");  // 23:59:59 China time
  EXPECT_EQ(china_date(due), d("2026-10-10"));
  EXPECT_EQ(c.working_days_between(d("2026-09-30"), d("2026-10-10")), 3);
  // 4 days skips Sunday 10-11 -> Monday 10-12.
  EXPECT_EQ(china_date(c.add_working_days(t("2026-09-30T15:00:00+08:00"), 4)), d("2026-10-12"));
  // An instant that is already the next day in China: 09-30T17:00Z = 10-01 01:00 +08:00.
  EXPECT_EQ(format_time(c.add_working_days(t("2026-09-30T17:00:00Z"), 1)), "2026-10-08T15:59:59Z");
  // Saturday 09-19 + 1: the Sunday make-up day counts.
  EXPECT_EQ(china_date(c.add_working_days(t("2026-09-19T09:00:00+08:00"), 1)), d("2026-09-20"));
}

TEST(Calendar, ZeroDaysIsTheEndOfTheFirstWorkingDay) {
  Calendar c = national_day_2026();
  EXPECT_EQ(china_date(c.add_working_days(t("2026-09-29T08:00:00+08:00"), 0)), d("2026-09-29"));
  EXPECT_EQ(china_date(c.add_working_days(t("2026-10-02T08:00:00+08:00"), 0)), d("2026-10-08"));
}

TEST(Calendar, WorkingDaysBetweenIsSignedAndConsistent) {
  Calendar c = national_day_2026();
  EXPECT_EQ(c.working_days_between(d("2026-10-10"), d("2026-09-30")), -3);
  EXPECT_EQ(c.working_days_between(d("2026-10-01"), d("2026-10-01")), 0);
  TimePoint start = t("2026-09-20T12:00:00+08:00");
  for (int n = 0; n < 25; ++n) {
    Date due = china_date(c.add_working_days(start, n));
    EXPECT_TRUE(c.is_working_day(due)) << n;
    if (n > 0) {
      EXPECT_EQ(c.working_days_between(china_date(start), due), n) << n;
    }
  }
}

}  // namespace
}  // namespace shiming::rules
