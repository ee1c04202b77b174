#include "core/login_throttle.h"

#include <gtest/gtest.h>

namespace shiming {
namespace {
using std::chrono::seconds;

TEST(LoginThrottle, FreeThenDoublingThenLocked) {
  EXPECT_EQ(wait_after_failures(1), seconds(0));
  EXPECT_EQ(wait_after_failures(3), seconds(0));
  EXPECT_EQ(wait_after_failures(4), seconds(2));
  EXPECT_EQ(wait_after_failures(5), seconds(4));
  EXPECT_EQ(wait_after_failures(9), seconds(64));
  EXPECT_EQ(wait_after_failures(10), seconds(900));
  EXPECT_EQ(wait_after_failures(1000), seconds(900));
}

}  // namespace
}  // namespace shiming
