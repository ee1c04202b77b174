#include "common/dates.h"

#include <gtest/gtest.h>

namespace shiming {
namespace {

using namespace std::chrono;

TEST(Dates, ParsesOnlyRealCalendarDates) {
  EXPECT_TRUE(parse_date("2024-02-29"));
  EXPECT_FALSE(parse_date("2023-02-29"));
  EXPECT_FALSE(parse_date("2023-13-01"));
  EXPECT_FALSE(parse_date("2023-1-01"));
  EXPECT_FALSE(parse_date("20230101"));
  EXPECT_EQ(format_date(*parse_date("2026-05-23")), "2026-05-23");
}

TEST(Dates, TimesRoundTripInUtcAndHonourOffsets) {
  auto t = parse_time("2026-05-23T08:00:00+08:00");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_time(*t), "2026-05-23T00:00:00Z");
  EXPECT_EQ(format_time(*parse_time("2026-05-23T23:59Z")), "2026-05-23T23:59:00Z");
  EXPECT_FALSE(parse_time("2026-05-23T24:00:00Z"));
  EXPECT_FALSE(parse_time("2026-05-23T10:00:00"));
}

TEST(Dates, ChinaDateIsUtcPlusEight) {
  auto t = *parse_time("2026-05-23T17:00:00Z");
  EXPECT_EQ(format_date(china_date(t)), "2026-05-24");
}

}  // namespace
}  // namespace shiming
