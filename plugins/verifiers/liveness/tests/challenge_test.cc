// Challenge drawing, timestamps and the single-use nonce record.
#include <set>

#include <gtest/gtest.h>

#include "challenge_record.h"
#include "iso_time.h"
#include "shiming/face/challenge.h"
#include "shiming/sdk/testing/fakes.h"

using namespace shiming;
using namespace std::chrono_literals;

TEST(DrawChallenge, DistinctActionsFromTheEnabledOnes) {
  std::vector<std::string> enabled = {"blink", "turn_left", "open_mouth"};
  std::set<std::vector<std::string>> seen;
  for (int i = 0; i < 200; ++i) {
    auto c = face::draw_challenge(enabled, 3);
    ASSERT_EQ(c.size(), 3u);
    EXPECT_EQ(std::set<std::string>(c.begin(), c.end()).size(), 3u);
    for (const auto& a : c) EXPECT_NE(std::find(enabled.begin(), enabled.end(), a), enabled.end());
    seen.insert(c);
  }
  EXPECT_EQ(seen.size(), 6u);  // all 3! orders appear in 200 draws (p of missing one < 1e-15)
}

TEST(DrawChallenge, RefusesBadInput) {
  EXPECT_THROW(face::draw_challenge({"blink"}, 2), std::invalid_argument);
  EXPECT_THROW(face::draw_challenge({"blink", "wink"}, 2), std::invalid_argument);
  EXPECT_THROW(face::draw_challenge({"blink", "nod"}, 0), std::invalid_argument);
}

TEST(Nonce, IsRandomHex) {
  auto a = face::new_nonce(), b = face::new_nonce();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(IsoTime, ParsesTheHostsFormats) {
  auto t = liveness::parse_iso8601("2026-11-28T12:00:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(liveness::format_iso8601(*t), "2026-11-28T12:00:00Z");
  EXPECT_EQ(*liveness::parse_iso8601("2026-11-28T20:00:00+08:00"), *t);
  EXPECT_EQ(*liveness::parse_iso8601("2026-11-28T12:00:00.500Z") - *t, std::chrono::milliseconds(500));
  EXPECT_FALSE(liveness::parse_iso8601("2026-11-28 12:00:00"));
  EXPECT_FALSE(liveness::parse_iso8601("2026-13-28T12:00:00Z"));
  EXPECT_FALSE(liveness::parse_iso8601("2026-11-28T12:00:00Zjunk"));
}

namespace {

struct Store {
  sdk::testing::FakeRecordStore records;
  std::chrono::system_clock::time_point now = *liveness::parse_iso8601("2026-11-28T12:00:00Z");
  void issue(const std::string& nonce, const std::string& case_id) {
    (void)records.put(liveness::kChallengeCollection, nonce,
                      nlohmann::json{{"case_id", case_id},
                       {"actions", {"blink", "nod"}},
                       {"issued_at", liveness::format_iso8601(now - 10s)},
                       {"expires_at", liveness::format_iso8601(now + 50s)},
                       {"used", false}},
                      "");
  }
};

}  // namespace

TEST(ClaimChallenge, WorksOnceThenRefusesAnotherUpload) {
  Store s;
  s.issue("n1", "case-1");
  auto c = liveness::claim_challenge(s.records, "n1", "case-1", s.now, "hash-a", s.now);
  EXPECT_FALSE(c.problem) << *c.problem;
  EXPECT_EQ(c.actions, (std::vector<std::string>{"blink", "nod"}));
  EXPECT_TRUE((*s.records.get(liveness::kChallengeCollection, "n1"))["used"].get<bool>());
  // The same upload checked again (a retried job) is fine; another one is not.
  EXPECT_FALSE(liveness::claim_challenge(s.records, "n1", "case-1", s.now, "hash-a", s.now).problem);
  EXPECT_EQ(*liveness::claim_challenge(s.records, "n1", "case-1", s.now, "hash-b", s.now).problem,
            "LIVENESS_NONCE_USED");
}

TEST(ClaimChallenge, RefusesExpiredUnknownForeignAndMissingNonces) {
  Store s;
  s.issue("n1", "case-1");
  EXPECT_EQ(*liveness::claim_challenge(s.records, "n1", "case-1", s.now + 51s, "h", s.now + 60s).problem,
            "LIVENESS_NONCE_EXPIRED");
  EXPECT_EQ(*liveness::claim_challenge(s.records, "nx", "case-1", s.now, "h", s.now).problem, "LIVENESS_NONCE_UNKNOWN");
  EXPECT_EQ(*liveness::claim_challenge(s.records, "n1", "case-2", s.now, "h", s.now).problem,
            "LIVENESS_NONCE_WRONG_CASE");
  EXPECT_EQ(*liveness::claim_challenge(s.records, "", "case-1", s.now, "h", s.now).problem, "LIVENESS_NONCE_MISSING");
  // None of the refusals used the nonce up.
  EXPECT_FALSE(liveness::claim_challenge(s.records, "n1", "case-1", s.now, "h", s.now).problem);
}

TEST(ClaimChallenge, MalformedRecordIsInvalid) {
  Store s;
  (void)s.records.put(liveness::kChallengeCollection, "n2",
                      nlohmann::json{{"case_id", "case-1"}, {"actions", {"wink"}}, {"issued_at", "2026-11-28T11:59:50Z"},
                                     {"expires_at", "2026-11-28T12:00:50Z"}, {"used", false}},
                      "");
  EXPECT_EQ(*liveness::claim_challenge(s.records, "n2", "case-1", s.now, "h", s.now).problem,
            "LIVENESS_CHALLENGE_INVALID");
}
