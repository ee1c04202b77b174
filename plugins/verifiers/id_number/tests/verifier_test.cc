// The verifier class with the SDK's fakes (no host, no .so).
#include "id_number_verifier.h"

#include <gtest/gtest.h>

#include "shiming/idnumber/id_number.h"
#include "shiming/sdk/testing/fakes.h"

namespace shiming::idnumber {
namespace {

using namespace std::chrono;
using sdk::Outcome;

class IdNumberVerifierTest : public ::testing::Test {
 protected:
  IdNumberVerifierTest() : init_{config_, host_}, verifier_(init_) {
    // 2026-05-22T16:30Z is already 2026-05-23 00:30 in Beijing.
    ctx_.clock_.set(sys_days{year{2026} / 5 / 22} + hours(16) + minutes(30));
    ctx_.subject_.id = "case-1";
  }
  sdk::Finding verify(const std::string& id, const std::string& sex = "") {
    ctx_.subject_.identity.id_number = id;
    ctx_.subject_.identity.sex = sex;
    return verifier_.verify(ctx_);
  }
  static bool has(const sdk::Finding& f, const std::string& code) {
    for (const auto& r : f.reasons)
      if (r.code == code) return !r.message.empty() && !r.message_zh.empty() && !r.advice.empty() &&
                                 !r.advice_zh.empty();
    return false;
  }

  nlohmann::json config_ = nlohmann::json::object();
  sdk::testing::FakeHost host_;
  sdk::PluginInit init_;
  IdNumberVerifier verifier_;
  sdk::testing::FakeVerificationContext ctx_;
};

TEST_F(IdNumberVerifierTest, ValidNumberAndMatchingSexPass) {
  auto f = verify("11010519491231002X", "F");
  EXPECT_EQ(f.outcome, Outcome::pass);
  EXPECT_TRUE(f.reasons.empty());
  EXPECT_EQ(f.details["id_number"], "110105********002X");
  EXPECT_EQ(f.details["region_name"], "朝阳区");
  EXPECT_EQ(f.details["birth_date"], "1949-12-31");
  EXPECT_TRUE(verifier_.evidence_needed().empty());
}

TEST_F(IdNumberVerifierTest, SexMismatchFails) {
  auto f = verify("11010519491231002X", "M");
  EXPECT_EQ(f.outcome, Outcome::fail);
  EXPECT_TRUE(has(f, "ID_SEX_MISMATCH"));
  EXPECT_EQ(verify("440307199003076718", "男").outcome, Outcome::pass);
  EXPECT_EQ(verify("440307199003076718", "女").outcome, Outcome::fail);
  EXPECT_EQ(verify("440307199003076718", "").outcome, Outcome::pass);  // nothing declared
}

TEST_F(IdNumberVerifierTest, EachFailureHasItsOwnCode) {
  EXPECT_TRUE(has(verify("1101051949123100"), "ID_FORMAT"));
  EXPECT_TRUE(has(verify("110105194912310021"), "ID_CHECK_CHARACTER"));
  EXPECT_TRUE(has(verify("110105199002290018"), "ID_BIRTH_DATE_INVALID"));
  EXPECT_TRUE(has(verify("110105209912310010"), "ID_BIRTH_DATE_FUTURE"));
  EXPECT_TRUE(has(verify(""), "ID_MISSING"));
  EXPECT_EQ(verify("110105194912310021").outcome, Outcome::fail);
}

TEST_F(IdNumberVerifierTest, TodayComesFromTheContextClockInChinaTime) {
  // Born 2026-05-23: "today" in Beijing, still "tomorrow" in UTC.
  EXPECT_EQ(check_character("11010520260523001"), '9');
  EXPECT_EQ(verify("110105202605230019").outcome, Outcome::pass);
  ctx_.clock_.set(sys_days{year{2026} / 5 / 22} + hours(15) + minutes(59));  // 23:59 Beijing
  EXPECT_TRUE(has(verify("110105202605230019"), "ID_BIRTH_DATE_FUTURE"));
}

TEST_F(IdNumberVerifierTest, AgeParams) {
  ctx_.params_ = {{"min_age", 18}, {"max_age", 60}};
  EXPECT_EQ(verify("110105198501011234").outcome, Outcome::pass);  // 41
  EXPECT_TRUE(has(verify("11010519491231002X"), "ID_AGE_OUT_OF_RANGE"));  // 76
  EXPECT_TRUE(has(verify("110108201001010044"), "ID_AGE_OUT_OF_RANGE"));  // 16
}

TEST_F(IdNumberVerifierTest, BadParamsAreAnErrorFindingNotACrash) {
  ctx_.params_ = {{"min_age", "eighteen"}};
  auto f = verify("11010519491231002X");
  EXPECT_EQ(f.outcome, Outcome::error);
  EXPECT_EQ(f.reasons.at(0).code, "ID_PARAMS_INVALID");
  ctx_.params_ = {{"min_age", 70}, {"max_age", 20}};
  EXPECT_EQ(verify("11010519491231002X").outcome, Outcome::error);
  ctx_.params_ = {{"unknown_region", "ignore"}};
  EXPECT_EQ(verify("11010519491231002X").outcome, Outcome::error);
}

TEST_F(IdNumberVerifierTest, UnknownRegionWarnsOrAsksForReview) {
  for (const char* n : {"44040119900101123X", "14012019850615003X", "441282200002290043"}) {
    auto warn = verify(n);
    EXPECT_EQ(warn.outcome, Outcome::pass) << n;
    EXPECT_TRUE(has(warn, "ID_REGION_UNKNOWN")) << n;
    EXPECT_EQ(warn.details["region_known"], false);
  }
  ctx_.params_ = {{"unknown_region", "review"}};
  auto review = verify("44040119900101123X");
  EXPECT_EQ(review.outcome, Outcome::needs_review);
  EXPECT_TRUE(has(review, "ID_REGION_UNKNOWN"));
  // A real failure wins over the warning.
  EXPECT_EQ(verify("440401199001011231").outcome, Outcome::fail);
}

TEST_F(IdNumberVerifierTest, ResidencePermitsPass) {
  auto f = verify("810000199501010015", "M");
  EXPECT_EQ(f.outcome, Outcome::pass);
  EXPECT_EQ(f.details["residence_permit"], true);
  EXPECT_EQ(f.details["region_name"], "香港特别行政区");
}

TEST_F(IdNumberVerifierTest, FifteenDigitNumberIsConverted) {
  auto f = verify("110105491231002", "F");
  EXPECT_EQ(f.outcome, Outcome::pass);
  EXPECT_EQ(f.details["converted_from_15"], true);
  EXPECT_EQ(f.details["id_number"], "110105********002X");
}

TEST_F(IdNumberVerifierTest, LogsNeverHoldTheFullNumber) {
  verify("11010519491231002X", "F");
  verify("110105194912310021", "F");
  ASSERT_FALSE(ctx_.logger_.lines.empty());
  for (const auto& [level, line] : ctx_.logger_.lines) {
    EXPECT_EQ(line.find("11010519491231002"), std::string::npos) << line;
    EXPECT_NE(line.find("110105********"), std::string::npos) << line;
  }
}

TEST(IdNumberVerifierSchema, RulesSchemaDeclaresTheParams) {
  auto s = IdNumberVerifier::rules_schema();
  std::vector<std::string> names;
  for (const auto& f : s.fields) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"min_age", "max_age", "unknown_region"}));
  EXPECT_EQ(s.fields[2].allowed, (std::vector<std::string>{"warn", "review"}));
}

}  // namespace
}  // namespace shiming::idnumber
