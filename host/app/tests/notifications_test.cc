// Rendering of notification texts and the retry schedule of the sender.
#include "app/notifications.h"

#include <gtest/gtest.h>

namespace shiming {
namespace {

using namespace std::chrono_literals;

NotificationFacts facts(const std::string& event, const std::string& status) {
  NotificationFacts f;
  f.event = event;
  f.case_id = "c-42";
  f.status = status;
  f.province_name = "北京市";
  f.province_name_en = "Beijing";
  f.session_name = "2027年上半年软考";
  f.session_name_en = "2027 spring exam";
  f.name_masked = "张*";
  f.deadline = *parse_time("2027-03-20T09:00:00Z");  // 17:00 in Beijing
  return f;
}

TEST(RenderNotification, StatusChangeNamesTheNewStatusInBothLanguages) {
  auto r = render_notification(facts("status_changed", "verified"));
  EXPECT_EQ(r.subject_zh, "【北京市软考办】实名认证状态更新：已实名");
  EXPECT_EQ(r.subject_en, "[Beijing exam office] Identity verification: verified");
  EXPECT_NE(r.body_zh.find("张*，您好"), std::string::npos);
  EXPECT_NE(r.body_zh.find("c-42"), std::string::npos);
  EXPECT_NE(r.body_zh.find("2027年上半年软考"), std::string::npos);
  EXPECT_NE(r.body_zh.find("准考证"), std::string::npos);
  EXPECT_NE(r.body_en.find("Dear 张*"), std::string::npos);
  EXPECT_NE(r.body_en.find("admission ticket"), std::string::npos);
}

TEST(RenderNotification, SubmittedCarriesTheExpectedDateInBeijingTime) {
  auto f = facts("status_changed", "submitted");
  f.due_at = *parse_time("2027-03-05T10:30:00Z");
  auto r = render_notification(f);
  EXPECT_EQ(r.subject_zh, "【北京市软考办】实名认证状态更新：核验中");
  EXPECT_NE(r.body_zh.find("2027-03-05 18:30（北京时间）"), std::string::npos) << r.body_zh;
  EXPECT_NE(r.body_en.find("2027-03-05 18:30 (Beijing time)"), std::string::npos) << r.body_en;
}

TEST(RenderNotification, RejectedPointsToRemediation) {
  auto r = render_notification(facts("status_changed", "rejected"));
  EXPECT_EQ(r.subject_zh, "【北京市软考办】实名认证状态更新：未通过");
  EXPECT_NE(r.body_zh.find("补实名"), std::string::npos);
  EXPECT_NE(r.body_en.find("new attempt"), std::string::npos);
}

TEST(RenderNotification, WarningStatesDaysLeftAndTheDeadline) {
  auto f = facts("deadline_warning", "collecting");
  f.days_left = 3;
  auto r = render_notification(f);
  EXPECT_EQ(r.subject_zh, "【北京市软考办】实名认证将于3天后截止");
  EXPECT_EQ(r.subject_en, "[Beijing exam office] Identity verification closes in 3 days");
  EXPECT_NE(r.body_zh.find("2027-03-20 17:00（北京时间）"), std::string::npos) << r.body_zh;
  EXPECT_NE(r.body_zh.find("资料提交中"), std::string::npos);
  f.days_left = 1;
  EXPECT_EQ(render_notification(f).subject_en, "[Beijing exam office] Identity verification closes in 1 day");
}

TEST(RenderNotification, ExpiryNamesTheDeadline) {
  auto r = render_notification(facts("expired", "expired"));
  EXPECT_EQ(r.subject_zh, "【北京市软考办】实名认证已截止，您未完成认证");
  EXPECT_NE(r.body_zh.find("2027-03-20 17:00"), std::string::npos);
  EXPECT_NE(r.body_en.find("closed at 2027-03-20 17:00 (Beijing time)"), std::string::npos);
}

TEST(RenderNotification, UnknownNameFallsBackToAGreeting) {
  auto f = facts("status_changed", "pending_review");
  f.name_masked.clear();
  auto r = render_notification(f);
  EXPECT_EQ(r.body_zh.rfind("考生，您好：", 0), 0u) << r.body_zh;
  EXPECT_EQ(r.body_en.rfind("Dear candidate,", 0), 0u);
}

TEST(BeijingTime, CrossesMidnight) {
  EXPECT_EQ(beijing_time(*parse_time("2026-12-31T16:30:00Z")), "2027-01-01 00:30");
}

TEST(RetryPolicy, DoublesFromTheBaseUpToTheCap) {
  RetryPolicy p{30s, 300s, 5};
  EXPECT_EQ(p.delay(1), 30s);
  EXPECT_EQ(p.delay(2), 60s);
  EXPECT_EQ(p.delay(3), 120s);
  EXPECT_EQ(p.delay(4), 240s);
  EXPECT_EQ(p.delay(5), 300s);
  EXPECT_EQ(p.delay(60), 300s);  // no overflow however many attempts
  EXPECT_EQ(p.delay(0), 30s);
  EXPECT_FALSE(p.exhausted(4));
  EXPECT_TRUE(p.exhausted(5));
}

TEST(PlausibleEmail, RefusesHeaderInjectionAndLists) {
  EXPECT_TRUE(plausible_email("zhang.san@example.cn"));
  EXPECT_FALSE(plausible_email(""));
  EXPECT_FALSE(plausible_email("zhang.san"));
  EXPECT_FALSE(plausible_email("@example.cn"));
  EXPECT_FALSE(plausible_email("a@"));
  EXPECT_FALSE(plausible_email("a@b.cn\r\nBcc: x@y.cn"));
  EXPECT_FALSE(plausible_email("a@b.cn, c@d.cn"));
  EXPECT_FALSE(plausible_email("a@b@c.cn"));
  EXPECT_FALSE(plausible_email("<a@b.cn>"));
}

}  // namespace
}  // namespace shiming
