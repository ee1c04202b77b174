// The shipped config/provinces loads with the plugins config/host.yaml lists,
// and the three sample provinces really differ.
#include <gtest/gtest.h>

#include "rules/host_config.h"
#include "rules/rules_loader.h"
#include "plugin_stand_ins.h"

namespace shiming::rules {
namespace {

const std::string kRulesDir = std::string(SHIMING_SOURCE_DIR) + "/config/provinces";

class SampleRules : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<Diagnostic> d;
    auto r = load_rules(kRulesDir, plugins_.lookup(), d);
    ASSERT_TRUE(r.ok()) << format_diagnostics(d);
    snapshot_ = *r;
  }
  testing::StandInPlugins plugins_ = testing::sample_plugins();
  std::shared_ptr<const RulesSnapshot> snapshot_;
};

TEST_F(SampleRules, ThreeProvincesLoad) {
  EXPECT_EQ(snapshot_->codes(), (std::vector<std::string>{"beijing", "guangdong", "sichuan"}));
  for (const auto& code : snapshot_->codes()) {
    const ProvinceRules* p = snapshot_->province(code);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->timezone, "Asia/Shanghai");
    EXPECT_NE(p->enabled_channel("online"), nullptr) << code;
    EXPECT_EQ(p->sessions.size(), 2u) << code;
    EXPECT_EQ(p->photo_requirements.size(), 3u) << code;
    EXPECT_FALSE(p->help.hotline.empty()) << code;
    EXPECT_EQ(snapshot_->effective(code)["code"], code);
  }
  EXPECT_TRUE(snapshot_->effective("shanghai").is_null());
  EXPECT_EQ(snapshot_->province("shanghai"), nullptr);
}

TEST_F(SampleRules, ProvincesDiffer) {
  const ProvinceRules& bj = *snapshot_->province("beijing");
  const ProvinceRules& gd = *snapshot_->province("guangdong");
  const ProvinceRules& sc = *snapshot_->province("sichuan");
  EXPECT_EQ(bj.region_code, "11");
  EXPECT_EQ(bj.enabled_channel("online")->review_policy, "auto_when_all_pass");
  EXPECT_EQ(gd.enabled_channel("online")->review_policy, "manual");
  EXPECT_EQ(bj.channels.at("window").settings["required_originals"][1], "diploma");
  EXPECT_EQ(bj.channels.at("bank").settings["partner_banks"].size(), 1u);
  EXPECT_EQ(gd.channels.at("bank").settings["partner_banks"].size(), 2u);
  EXPECT_EQ(gd.channels.at("bank").sla_working_days, 5);
  EXPECT_EQ(sc.channels.at("overseas").settings["embassy_certification"], true);
  EXPECT_EQ(sc.channels.at("overseas").settings["video_verification"], true);
  EXPECT_EQ(sc.enabled_channel("online")->sla_working_days, 5);
  EXPECT_EQ(bj.enabled_channel("online")->sla_working_days, 2);
  // Sichuan's extra closure day; Beijing works that day.
  Date dec31 = *parse_date("2026-12-31");
  EXPECT_FALSE(sc.calendar.is_working_day(dec31));
  EXPECT_TRUE(bj.calendar.is_working_day(dec31));
  EXPECT_TRUE(bj.calendar.covers(dec31));
  EXPECT_FALSE(bj.calendar.covers(*parse_date("2027-01-01")));
  // Identity limits reach the id_number step.
  EXPECT_EQ(sc.enabled_channel("online")->pipeline[0].params["min_age"], 16);
  EXPECT_EQ(sc.enabled_channel("online")->pipeline[0].params["unknown_region"], "review");
  EXPECT_EQ(bj.enabled_channel("online")->pipeline[0].params["min_age"], 0);
  EXPECT_EQ(bj.retention.biometric_days, 15);
  EXPECT_EQ(gd.retention.document_days, 365);
  EXPECT_EQ(bj.advice.at("ID_CHECK_CHARACTER").advice_zh.empty(), false);
  EXPECT_EQ(gd.advice.at("ID_AGE_OUT_OF_RANGE").advice_zh, "请携带身份证到广东省软考办服务窗口办理。");
}

TEST_F(SampleRules, SessionsPeaksAndDeadlines) {
  const ProvinceRules& bj = *snapshot_->province("beijing");
  const ExamSession* s = bj.session("2026-05");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(format_time(s->registration_open), "2026-03-10T01:00:00Z");
  EXPECT_EQ(format_date(s->exam_date), "2026-05-23");
  EXPECT_EQ(s->certificate_claim_days, 30);
  EXPECT_EQ(bj.session("2026-11")->certificate_claim_days, 60);
  EXPECT_EQ(bj.current_session(*parse_time("2026-03-15T12:00:00+08:00")), s);
  EXPECT_EQ(bj.current_session(*parse_time("2026-01-01T00:00:00+08:00")), s);  // the next one
  EXPECT_EQ(bj.current_session(*parse_time("2026-06-01T00:00:00+08:00"))->id, "2026-11");
  EXPECT_EQ(bj.current_session(*parse_time("2027-01-01T00:00:00+08:00")), nullptr);
  // Derived peaks: first day and last two days of registration.
  EXPECT_TRUE(bj.in_peak(*parse_time("2026-03-10T20:00:00+08:00")));
  EXPECT_FALSE(bj.in_peak(*parse_time("2026-03-11T09:00:00+08:00")));
  EXPECT_FALSE(bj.in_peak(*parse_time("2026-03-18T23:59:00+08:00")));
  EXPECT_TRUE(bj.in_peak(*parse_time("2026-03-19T00:00:00+08:00")));
  EXPECT_TRUE(bj.in_peak(*parse_time("2026-03-20T16:59:00+08:00")));
  EXPECT_FALSE(bj.in_peak(*parse_time("2026-03-20T17:00:00+08:00")));
  // Guangdong's extra window.
  const ProvinceRules& gd = *snapshot_->province("guangdong");
  EXPECT_TRUE(gd.in_peak(*parse_time("2026-03-23T12:00:00+08:00")));
  EXPECT_EQ(gd.peaks.size(), 5u);
  // SLA over the National Day week with the national calendar of defaults.yaml:
  // Wednesday 09-30 + 3 working days -> 10-08, 10-09, 10-10 (make-up Saturday).
  TimePoint due = bj.calendar.add_working_days(*parse_time("2026-09-30T10:00:00+08:00"), 3);
  EXPECT_EQ(format_time(due), "2026-10-10T15:59:59Z");
}

TEST_F(SampleRules, HostYamlListsThePluginsThePipelinesUse) {
  auto host = load_host_config(std::string(SHIMING_SOURCE_DIR) + "/config/host.yaml");
  ASSERT_TRUE(host.ok()) << host.error().message;
  std::set<std::string> listed;
  for (const auto& p : host->plugins) listed.insert(p.name);
  for (const auto& code : snapshot_->codes()) {
    for (const auto& [name, ch] : snapshot_->province(code)->channels) {
      if (!ch.enabled) continue;
      EXPECT_TRUE(listed.count(name)) << code << ": channel " << name;
      for (const auto& step : ch.pipeline) EXPECT_TRUE(listed.count(step.verifier)) << step.verifier;
    }
  }
  EXPECT_EQ(host->rules_dir, std::filesystem::path(kRulesDir).lexically_normal().string());
}

TEST_F(SampleRules, WithoutTheOnlinePluginTheSampleIsRefused) {
  testing::StandInPlugins only_id;
  only_id.add("id_number", testing::id_number_stand_in());
  std::vector<Diagnostic> d;
  EXPECT_FALSE(load_rules(kRulesDir, only_id.lookup(), d).ok());
  // Each province file names the online channel itself: one error per province.
  ASSERT_EQ(d.size(), 3u) << format_diagnostics(d);
  for (const auto& x : d) EXPECT_NE(x.message.find("unknown plugin 'online'"), std::string::npos);
  EXPECT_EQ(d[0].to_string().rfind(kRulesDir + "/beijing.yaml:9:3: unknown plugin 'online'", 0), 0u);
}

}  // namespace
}  // namespace shiming::rules
