#include <gtest/gtest.h>
#include <shiming/sdk/testing/fakes.h>

std::unique_ptr<shiming::sdk::Verifier> make_phone_number_verifier(const shiming::sdk::PluginInit&);

namespace {
using namespace shiming::sdk;

Finding check(const std::string& phone, bool allow_landline = false) {
  shiming::sdk::testing::FakeHost host;
  nlohmann::json config = nlohmann::json::object();
  auto v = make_phone_number_verifier(PluginInit{config, host});
  shiming::sdk::testing::FakeVerificationContext ctx;
  ctx.subject_.identity.phone = phone;
  ctx.params_ = {{"allow_landline", allow_landline}};
  return v->verify(ctx);
}

TEST(PhoneNumber, AcceptsMobileNumbers) {
  EXPECT_EQ(check("13812345678").outcome, Outcome::pass);
  EXPECT_EQ(check("13812345678").details["masked"], "138****5678");
}

TEST(PhoneNumber, RefusesOthersWithAReason) {
  auto f = check("12345");
  EXPECT_EQ(f.outcome, Outcome::fail);
  EXPECT_EQ(f.reasons.at(0).code, "PHONE_INVALID");
  EXPECT_EQ(check("1381234567a").outcome, Outcome::fail);
  EXPECT_EQ(check("01012345678").outcome, Outcome::fail);
  EXPECT_EQ(check("01012345678", true).outcome, Outcome::pass);
}
}  // namespace
