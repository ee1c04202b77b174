#include "core/case_state.h"

#include <gtest/gtest.h>

namespace shiming {
namespace {

TEST(CaseState, LegalPathsForTheirRoles) {
  EXPECT_TRUE(check_transition("collecting", "submitted", "citizen").ok());
  EXPECT_TRUE(check_transition("submitted", "pending_review", "system").ok());
  EXPECT_TRUE(check_transition("pending_review", "verified", "reviewer").ok());
  EXPECT_TRUE(check_transition("pending_review", "rejected", "reviewer").ok());
  EXPECT_TRUE(check_transition("rejected", "expired", "system").ok());
}

TEST(CaseState, IllegalTransitionsAreRefusedWithACode) {
  auto s = check_transition("verified", "rejected", "reviewer");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "ILLEGAL_TRANSITION");
  EXPECT_FALSE(s.error().message_zh.empty());
  EXPECT_EQ(check_transition("collecting", "verified", "system").error().code, "ILLEGAL_TRANSITION");
  EXPECT_EQ(check_transition("verified", "expired", "system").error().code, "ILLEGAL_TRANSITION");
}

TEST(CaseState, WrongRoleIsForbiddenNotIllegal) {
  EXPECT_EQ(check_transition("pending_review", "verified", "citizen").error().code,
            "FORBIDDEN_TRANSITION");
  EXPECT_EQ(check_transition("submitted", "verified", "reviewer").error().code,
            "FORBIDDEN_TRANSITION");
}

TEST(CaseState, FinalStates) {
  EXPECT_TRUE(is_final_status("verified"));
  EXPECT_FALSE(is_final_status("pending_review"));
  EXPECT_FALSE(is_known_status("approved"));
}

}  // namespace
}  // namespace shiming
