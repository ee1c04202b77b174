// The channel's routes with sdk fakes.
#include "overseas_test_util.h"

namespace shiming::overseas {
namespace {

using testing::ChannelFixture;

TEST_F(ChannelFixture, OpenStoresThePassportIdentity) {
  std::string id = open_case();
  auto c = host.cases().get(id).value();
  EXPECT_EQ(c.channel, "overseas");
  EXPECT_EQ(c.identity.extra["passport_number"], "E12345678");
  EXPECT_EQ(c.identity.extra["surname"], "ZHANG");
  EXPECT_EQ(c.identity.extra["given_names"], "SAN");
  EXPECT_EQ(c.identity.extra["utc_offset"], "-07:00");
  for (const auto& [level, line] : host.captured().lines) EXPECT_EQ(line.find("E12345678"), std::string::npos);
}

TEST_F(ChannelFixture, OpenRefusesBadInput) {
  auto body = testing::open_body();
  body["passport_number"] = "E1234-5678";
  auto r = call("open", "POST", body, {"anonymous", "", "", ""});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json_of(r)["error"]["code"], "PASSPORT_NUMBER_INVALID");
  body = testing::open_body();
  body["surname"] = "张";
  EXPECT_EQ(json_of(call("open", "POST", body, {"anonymous", "", "", ""}))["error"]["code"], "PASSPORT_NAME_INVALID");
  body = testing::open_body();
  body["birth"] = "1949-02-30";
  EXPECT_EQ(json_of(call("open", "POST", body, {"anonymous", "", "", ""}))["error"]["code"], "BIRTH_INVALID");
  body = testing::open_body();
  body["utc_offset"] = "PST";
  EXPECT_EQ(json_of(call("open", "POST", body, {"anonymous", "", "", ""}))["error"]["code"], "UTC_OFFSET_INVALID");
  body = testing::open_body();
  body.erase("surname");
  auto missing = json_of(call("open", "POST", body, {"anonymous", "", "", ""}));
  EXPECT_EQ(missing["error"]["code"], "MISSING_FIELD");
  EXPECT_EQ(missing["error"]["field"], "surname");
  body = testing::open_body();
  body["province"] = "tibet";
  r = call("open", "POST", body, {"anonymous", "", "", ""});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(json_of(r)["error"]["code"], "CHANNEL_DISABLED");
  sdk::HttpRequest raw;
  raw.body = "{not json";
  EXPECT_EQ(json_of(channel->handle("open", raw))["error"]["code"], "INVALID_JSON");
  raw.body = "[1,2]";
  EXPECT_EQ(json_of(channel->handle("open", raw))["error"]["code"], "INVALID_JSON");
}

TEST_F(ChannelFixture, SlotsInTheCandidatesOffsetAndCapacity) {
  auto r = call("slots", "GET", nullptr, {"anonymous", "", "", ""}, {{"province", "beijing"}},
                {{"utc_offset", "-07:00"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto slots = json_of(r)["slots"];
  ASSERT_EQ(slots.size(), 2u);  // the January slot is past
  EXPECT_EQ(slots[0]["start"], "2026-04-09T18:00:00-07:00");
  EXPECT_EQ(slots[0]["free"], 1);

  std::string a = open_case();
  auto body = testing::open_body();
  body["id_number"] = "110105194912310021";
  std::string b = json_of(call("open", "POST", body, {"anonymous", "", "", ""}))["case_id"];
  r = call("book", "POST", {{"slot", "2026-04-10T09:00:00+08:00"}}, citizen(a), {{"id", a}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_of(r)["booking"]["start"], "2026-04-09T18:00:00-07:00");
  r = call("book", "POST", {{"slot", "2026-04-10T09:00:00+08:00"}}, citizen(b), {{"id", b}});
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(json_of(r)["error"]["code"], "SLOT_FULL");
  // Rebooking one's own slot is fine; moving frees the old one.
  EXPECT_EQ(call("book", "POST", {{"slot", "2026-04-10T09:00:00+08:00"}}, citizen(a), {{"id", a}}).status, 200);
  EXPECT_EQ(call("book", "POST", {{"slot", "2026-04-10T10:00:00+08:00"}}, citizen(a), {{"id", a}}).status, 200);
  EXPECT_EQ(call("book", "POST", {{"slot", "2026-04-10T09:00:00+08:00"}}, citizen(b), {{"id", b}}).status, 200);
  EXPECT_EQ(json_of(call("book", "POST", {{"slot", "2026-01-10T10:00:00+08:00"}}, citizen(a), {{"id", a}}))["error"]["code"],
            "SLOT_UNKNOWN");
  EXPECT_EQ(call("cancel", "DELETE", nullptr, citizen(b), {{"id", b}}).status, 200);
  EXPECT_EQ(call("cancel", "DELETE", nullptr, citizen(b), {{"id", b}}).status, 404);
}

TEST_F(ChannelFixture, CitizensSeeOnlyTheirCaseAndStaffOnlyTheirProvince) {
  std::string a = open_case();
  EXPECT_EQ(call("state", "GET", nullptr, citizen("case-999"), {{"id", a}}).status, 404);
  EXPECT_EQ(call("contact", "PUT", {{"name", "x"}, {"relationship", "y"}, {"phone", "13812345678"}},
                 citizen("other"), {{"id", a}}).status, 404);
  EXPECT_EQ(call("state", "GET", nullptr, reviewer("guangdong"), {{"id", a}}).status, 404);
  EXPECT_EQ(call("state", "GET", nullptr, reviewer(), {{"id", a}}).status, 200);
}

TEST_F(ChannelFixture, ReviewerRecordsTheLiveSession) {
  std::string a = open_case();
  call("contact", "PUT", {{"name", "李四"}, {"relationship", "父亲"}, {"phone", "13812345678"}}, citizen(a), {{"id", a}});
  call("book", "POST", {{"slot", "2026-04-10T10:00:00+08:00"}}, citizen(a), {{"id", a}});
  auto r = call("session", "POST", {{"link", "http://meet.example/abc"}}, reviewer(), {{"id", a}});
  EXPECT_EQ(json_of(r)["error"]["code"], "LINK_INVALID");
  r = call("session", "POST", {{"link", "https://meet.example/abc"}}, reviewer(), {{"id", a}});
  ASSERT_EQ(r.status, 200) << r.body;
  r = call("outcome", "POST", {{"outcome", "maybe"}}, reviewer(), {{"id", a}});
  EXPECT_EQ(r.status, 400);
  r = call("outcome", "POST", {{"outcome", "passed"}, {"note", "matched the passport"}, {"recording_ref", "rec-42"}},
           reviewer(), {{"id", a}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto st = json_of(call("state", "GET", nullptr, citizen(a), {{"id", a}}));
  EXPECT_EQ(st["video"]["outcome"], "passed");
  EXPECT_EQ(st["video"]["session_link"], "https://meet.example/abc");
  EXPECT_EQ(st["video"]["recording_ref"], "rec-42");
  EXPECT_FALSE(st["video"].contains("note"));  // the reviewer's note is for staff
  EXPECT_EQ(st["contact"]["phone"], "138****5678");
  auto staff = json_of(call("state", "GET", nullptr, reviewer(), {{"id", a}}));
  EXPECT_EQ(staff["video"]["note"], "matched the passport");
  EXPECT_EQ(staff["contact"]["phone"], "13812345678");
  EXPECT_EQ(staff["video"]["reviewer"], "u-7");
}

TEST_F(ChannelFixture, RecordedVideoWithChallengeCode) {
  std::string a = open_case();
  auto r = call("challenge", "POST", nullptr, citizen(a), {{"id", a}});
  ASSERT_EQ(r.status, 200) << r.body;
  std::string code = json_of(r)["challenge_code"];
  EXPECT_EQ(code.size(), 6u);
  r = call("outcome", "POST", {{"outcome", "passed"}}, reviewer(), {{"id", a}});
  EXPECT_EQ(json_of(r)["error"]["field"], "challenge_ok");
  r = call("outcome", "POST", {{"outcome", "passed"}, {"challenge_ok", false}}, reviewer(), {{"id", a}});
  EXPECT_EQ(r.status, 400);
  r = call("outcome", "POST", {{"outcome", "passed"}, {"challenge_ok", true}}, reviewer(), {{"id", a}});
  EXPECT_EQ(r.status, 200);
  host.settings[{"beijing", "overseas"}] = {{"video_verification", "live"}};
  EXPECT_EQ(json_of(call("challenge", "POST", nullptr, citizen(a), {{"id", a}}))["error"]["code"], "VIDEO_NOT_OFFERED");
}

TEST_F(ChannelFixture, SubmittedCasesAreFrozen) {
  std::string a = open_case();
  host.fake_cases().cases[a].status = "pending_review";
  auto r = call("contact", "PUT", {{"name", "x"}, {"relationship", "y"}, {"phone", "13812345678"}}, citizen(a), {{"id", a}});
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(json_of(r)["error"]["code"], "CASE_NOT_EDITABLE");
}

}  // namespace
}  // namespace shiming::overseas
