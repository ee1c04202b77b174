#include <gtest/gtest.h>

#include "shiming/mrz/mrz.h"

namespace shiming::mrz {
namespace {

TEST(MrzDates, BirthIsNeverInTheFuture) {
  EXPECT_EQ(birth_date("740812", 2026), "1974-08-12");
  EXPECT_EQ(birth_date("260101", 2026), "2026-01-01");
  EXPECT_EQ(birth_date("270101", 2026), "1927-01-01");
  EXPECT_EQ(birth_date("000229", 2026), "2000-02-29");
}

TEST(MrzDates, ExpiryTakesTheNearestCentury) {
  EXPECT_EQ(expiry_date("120415", 2026), "2012-04-15");
  EXPECT_EQ(expiry_date("360101", 2026), "2036-01-01");
  EXPECT_EQ(expiry_date("750101", 2026), "2075-01-01");
  EXPECT_EQ(expiry_date("770101", 2026), "1977-01-01");
  EXPECT_EQ(expiry_date("050101", 2090), "2105-01-01");
}

TEST(MrzDates, ImpossibleAndUnknownDates) {
  std::string problem;
  EXPECT_EQ(birth_date("010229", 2026, &problem), "");
  EXPECT_EQ(problem, "not a calendar date");
  EXPECT_EQ(expiry_date("121301", 2026, &problem), "");
  EXPECT_EQ(birth_date("7408<<", 2026, &problem), "");
  EXPECT_EQ(problem, "unknown date");
  EXPECT_EQ(birth_date("74081", 2026, &problem), "");
  EXPECT_EQ(problem, "not six digits");
}

}  // namespace
}  // namespace shiming::mrz
