// The verifier with sdk fakes on generated passport pages.
#include "passport_mrz_verifier.h"
#include "verifier_fixture.h"

namespace shiming::mrz {
namespace {

using sdk::Outcome;

struct Fixture : ::testing::Test {
  sdk::testing::FakeHost host;
  nlohmann::json config = nlohmann::json::object();
  PassportMrzVerifier verifier{sdk::PluginInit{config, host}};
  sdk::testing::FakeVerificationContext ctx;
  const gen::Sample& s = testing::confident_sample();
  void SetUp() override {
    ASSERT_FALSE(s.jpeg.empty()) << "no generated page read confidently";
    testing::declare(ctx, s);
  }
  std::string first_code(const sdk::Finding& f) { return f.reasons.empty() ? "" : f.reasons[0].code; }
};

TEST_F(Fixture, MatchingPassportPasses) {
  auto f = verifier.verify(ctx);
  EXPECT_EQ(f.outcome, Outcome::pass) << first_code(f);
  EXPECT_EQ(f.details["format"], "TD3");
  // Details are masked: never the clear number or name.
  EXPECT_EQ(f.details["document_number"].get<std::string>().find(s.identity.document_number), std::string::npos);
  for (const auto& [level, line] : ctx.logger_.lines)
    EXPECT_EQ(line.find(s.identity.document_number), std::string::npos) << line;
}

TEST_F(Fixture, ExpiredBeforeTheExam) {
  ctx.subject_.exam_date = "2040-01-01";
  auto f = verifier.verify(ctx);
  EXPECT_EQ(f.outcome, Outcome::fail);
  EXPECT_EQ(first_code(f), "PASSPORT_EXPIRED");
  EXPECT_FALSE(f.reasons[0].advice_zh.empty());
  ctx.params_ = {{"require_valid_on_exam_date", false}};
  EXPECT_EQ(verifier.verify(ctx).outcome, Outcome::pass);
}

TEST_F(Fixture, NameMismatchFailsOrGoesToReview) {
  ctx.subject_.identity.extra["surname"] = "SOMEONE";
  EXPECT_EQ(first_code(verifier.verify(ctx)), "MRZ_NAME_MISMATCH");
  EXPECT_EQ(verifier.verify(ctx).outcome, Outcome::fail);
  ctx.params_ = {{"name_match", "review"}};
  EXPECT_EQ(verifier.verify(ctx).outcome, Outcome::needs_review);
  ctx.params_ = {{"name_match", "off"}};
  EXPECT_EQ(verifier.verify(ctx).outcome, Outcome::pass);
}

TEST_F(Fixture, NameCaseAndPunctuationDoNotMatter) {
  std::string given = s.identity.given_names;
  for (auto& c : given) c = static_cast<char>(std::tolower(c));
  ctx.subject_.identity.extra["given_names"] = given + " ";
  EXPECT_EQ(verifier.verify(ctx).outcome, Outcome::pass);
}

TEST_F(Fixture, NumberAndBirthMismatch) {
  ctx.subject_.identity.extra["passport_number"] = "X00000000";
  EXPECT_EQ(first_code(verifier.verify(ctx)), "MRZ_NUMBER_MISMATCH");
  testing::declare(ctx, s);
  ctx.subject_.identity.extra["birth"] = "1900-01-01";
  EXPECT_EQ(first_code(verifier.verify(ctx)), "MRZ_BIRTH_MISMATCH");
  testing::declare(ctx, s);
  ctx.subject_.identity.extra.erase("passport_number");
  auto f = verifier.verify(ctx);
  EXPECT_EQ(f.outcome, Outcome::needs_review);
  EXPECT_EQ(first_code(f), "PASSPORT_NOT_DECLARED");
}

TEST_F(Fixture, NoZoneAndBadImages) {
  cv::Mat blank(800, 1100, CV_8UC3, cv::Scalar(230, 230, 230));
  ctx.items = {sdk::Evidence{"passport", "image/jpeg", gen::encode_jpeg(blank, 90), {}}};
  auto f = verifier.verify(ctx);
  EXPECT_EQ(f.outcome, Outcome::fail);
  EXPECT_EQ(first_code(f), "MRZ_NOT_FOUND");
  ctx.items = {sdk::Evidence{"passport", "image/jpeg", {'x', 'y'}, {}}};
  EXPECT_EQ(first_code(verifier.verify(ctx)), "IMAGE_UNREADABLE");
  ctx.items.clear();
  EXPECT_EQ(first_code(verifier.verify(ctx)), "MRZ_NOT_FOUND");
}

TEST(PassportMrzSchema, ParamsDeclared) {
  auto s = PassportMrzVerifier::rules_schema();
  std::vector<std::string> names;
  for (const auto& f : s.fields) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"require_valid_on_exam_date", "name_match", "number_match",
                                             "birth_match", "doubtful", "max_pixels"}));
}

}  // namespace
}  // namespace shiming::mrz
