// The qualification register's checks and `shimingctl enterprise` over a record store, and the
// channel's rules settings.
#include <sstream>

#include <gtest/gtest.h>
#include <shiming/sdk/testing/fakes.h>

#include "enterprise_channel.h"
#include "qualification.h"

namespace shiming::enterprise {
namespace {

using nlohmann::json;

TEST(CreditCode, CheckCharacterAndAlphabet) {
  EXPECT_TRUE(valid_credit_code("91350100M000100Y43"));   // the code GB 32100 guides quote
  EXPECT_FALSE(valid_credit_code("91350100M000100Y44"));  // check character off by one
  EXPECT_FALSE(valid_credit_code("91350100M000100Y4"));   // 17 characters
  EXPECT_FALSE(valid_credit_code("91350100m000100Y43"));  // lower case
  EXPECT_FALSE(valid_credit_code("91350100O000100Y43"));  // O is not in the alphabet
}

TEST(Qualification, FieldsAreChecked) {
  json ok = {{"name", "某某科技有限公司"}, {"credit_code", "91350100M000100Y43"},
             {"valid_from", "2026-01-01"}, {"valid_until", "2027-12-31"}};
  auto q = make_qualification("guangdong", "acme-1", ok);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ((*q)["enterprise_id"], "acme-1");
  auto field_of = [](const std::string& id, json body) {
    auto r = make_qualification("guangdong", id, body);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string() : r.error().field;
  };
  EXPECT_EQ(field_of("Acme", ok), "enterprise");
  EXPECT_EQ(field_of("../x", ok), "enterprise");
  json b = ok;
  b["credit_code"] = "91350100M000100Y44";
  EXPECT_EQ(field_of("acme", b), "credit_code");
  b = ok;
  b["valid_until"] = "2025-12-31";  // before valid_from
  EXPECT_EQ(field_of("acme", b), "valid_until");
  b = ok;
  b["valid_from"] = "2026-02-30";
  EXPECT_EQ(field_of("acme", b), "valid_from");
  b = ok;
  b.erase("name");
  EXPECT_EQ(field_of("acme", b), "name");
}

TEST(Ctl, AddListAndBindHr) {
  sdk::testing::FakeRecordStore records;
  std::ostringstream out, err;
  EXPECT_EQ(run_enterprise_ctl("add", {"--province", "guangdong", "--id", "acme", "--name", "某某公司", "--credit-code",
                                       "91350100M000100Y43", "--valid-from", "2020-01-01", "--valid-until", "2026-06-30"},
                               records, "2026-11-29", out, err),
            0)
      << err.str();
  EXPECT_EQ(run_enterprise_ctl("add", {"--province", "guangdong", "--id", "bad", "--name", "x", "--credit-code", "1",
                                       "--valid-from", "2020-01-01", "--valid-until", "2030-01-01"},
                               records, "2026-11-29", out, err),
            2);
  std::ostringstream listed;
  ASSERT_EQ(run_enterprise_ctl("list", {"--province", "guangdong", "--json"}, records, "2026-11-29", listed, err), 0);
  auto j = json::parse(listed.str());
  ASSERT_EQ(j["enterprises"].size(), 1u);
  EXPECT_FALSE(j["enterprises"][0]["valid_today"].get<bool>());  // expired in June
  EXPECT_TRUE(bind_hr(records, "u1", "guangdong", "acme").ok());
  auto missing = bind_hr(records, "u2", "guangdong", "nobody");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "QUALIFICATION_MISSING");
  EXPECT_EQ(records.get(kHrBindings, "u1")->value("enterprise_id", ""), "acme");
}

TEST(Settings, DefaultsAndRefusals) {
  auto d = parse_enterprise_settings(json());
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->submission, "complete_only");
  EXPECT_TRUE(d->face_required);
  auto all = parse_enterprise_settings({{"submission", "all_or_nothing"}, {"max_rows", 2000}});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->submission, "all_or_nothing");
  EXPECT_EQ(all->max_rows, 2000u);
  EXPECT_FALSE(parse_enterprise_settings({{"submission", "some"}}).ok());
  EXPECT_FALSE(parse_enterprise_settings({{"max_rows", 60000}}).ok());
  EXPECT_FALSE(parse_enterprise_settings({{"face_required", "yes"}}).ok());
}

}  // namespace
}  // namespace shiming::enterprise
