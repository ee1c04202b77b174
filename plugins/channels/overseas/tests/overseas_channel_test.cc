// Documents, settings and submit conditions of the overseas channel.
#include "overseas_test_util.h"
#include "time_text.h"

namespace shiming::overseas {
namespace {

using testing::ChannelFixture;

TEST(OverseasSettings, DefaultsAndErrors) {
  auto d = parse_overseas_settings(nlohmann::json::object());
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->embassy_certificate_required);
  EXPECT_EQ(d->video, VideoMode::off);
  auto bad = parse_overseas_settings({{"video_verification", "sometimes"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "CHANNEL_SETTINGS_INVALID");
  EXPECT_EQ(bad.error().field, "video_verification");
  EXPECT_FALSE(parse_overseas_settings({{"video_slots", {{{"start", "tomorrow"}}}}}).ok());
  EXPECT_FALSE(parse_overseas_settings({{"video_slots", {{{"start", "2026-04-10T09:00:00+08:00"}, {"capacity", 0}}}}}).ok());
  EXPECT_FALSE(parse_overseas_settings({{"max_upload_bytes", "big"}}).ok());
  auto ok = parse_overseas_settings(testing::live_settings());
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->video_slots.size(), 3u);
}

TEST(OverseasTime, ParseAndFormatWithOffsets) {
  auto t = parse_datetime("2026-04-10T09:00:00+08:00");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_datetime(*t, 0), "2026-04-10T01:00:00+00:00");
  EXPECT_EQ(format_datetime(*t, -7 * 60), "2026-04-09T18:00:00-07:00");
  EXPECT_EQ(format_datetime(*t, 5 * 60 + 30), "2026-04-10T06:30:00+05:30");
  EXPECT_FALSE(parse_datetime("2026-02-30T09:00:00+08:00"));
  EXPECT_FALSE(parse_datetime("2026-04-10T09:00:00"));
  EXPECT_FALSE(parse_offset("+15:00"));
  EXPECT_EQ(parse_offset("-05:30"), -330);
  EXPECT_EQ(parse_offset("Z"), 0);
}

TEST_F(ChannelFixture, DocumentsFollowTheSettings) {
  auto docs = channel->documents(nlohmann::json::object());
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0].kind, "passport");
  EXPECT_TRUE(docs[0].required);
  EXPECT_EQ(docs[1].kind, "embassy-certificate");
  EXPECT_FALSE(docs[1].required);
  docs = channel->documents(testing::live_settings());
  ASSERT_EQ(docs.size(), 3u);
  EXPECT_TRUE(docs[1].required);
  EXPECT_EQ(docs[2].kind, "video-recording");
  EXPECT_FALSE(docs[2].required);
  docs = channel->documents({{"video_verification", "recorded"}});
  EXPECT_TRUE(docs[2].required);
  EXPECT_THROW(channel->documents({{"video_verification", 3}}), std::invalid_argument);
}

TEST_F(ChannelFixture, SubmitNeedsIdentityDocumentsContactAndVideo) {
  std::string id = open_case();
  auto c = host.cases().get(id).value();
  auto settings = testing::live_settings();
  auto s = channel->check_submit(c, {"passport"}, settings);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "MISSING_DOCUMENT");
  EXPECT_EQ(s.error().field, "embassy-certificate");
  EXPECT_NE(s.error().message_zh.find("使领馆认证"), std::string::npos);

  s = channel->check_submit(c, {"passport", "embassy-certificate"}, settings);
  EXPECT_EQ(s.error().code, "CONTACT_MISSING");
  auto r = call("contact", "PUT", {{"name", "李四"}, {"relationship", "父亲"}, {"phone", "13812345678"}},
                citizen(id), {{"id", id}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_of(r)["contact"]["phone"], "138****5678");

  s = channel->check_submit(c, {"passport", "embassy-certificate"}, settings);
  EXPECT_EQ(s.error().code, "VIDEO_NOT_BOOKED");
  EXPECT_TRUE(channel->check_submit(c, {"passport", "embassy-certificate", "video-recording"}, settings).ok());
  r = call("book", "POST", {{"slot", "2026-04-10T10:00:00+08:00"}}, citizen(id), {{"id", id}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(channel->check_submit(c, {"passport", "embassy-certificate"}, settings).ok());

  c.identity.extra.erase("passport_number");
  EXPECT_EQ(channel->check_submit(c, {"passport", "embassy-certificate"}, settings).error().code,
            "IDENTITY_INCOMPLETE");
  EXPECT_EQ(channel->check_submit(c, {}, {{"video_verification", 1}}).error().code, "CHANNEL_SETTINGS_INVALID");
}

TEST_F(ChannelFixture, OffModeNeedsNoVideo) {
  host.settings[{"beijing", "overseas"}] = nlohmann::json::object();
  std::string id = open_case();
  auto c = host.cases().get(id).value();
  call("contact", "PUT", {{"name", "李四"}, {"relationship", "母亲"}, {"phone", "13812345678"}}, citizen(id), {{"id", id}});
  EXPECT_TRUE(channel->check_submit(c, {"passport"}, nlohmann::json::object()).ok());
}

}  // namespace
}  // namespace shiming::overseas
