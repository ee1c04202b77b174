// The shipped config/provinces loads with the real plugin .so files that
// config/host.yaml lists (their declared schemas check every step's params),
// and the three sample provinces really differ.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "app/hub.h"
#include "rules/host_config.h"
#include "rules/rules_check_cli.h"
#include "rules/rules_loader.h"

namespace shiming::rules {
namespace {

const std::string kRulesDir = std::string(SHIMING_SOURCE_DIR) + "/config/provinces";

// Every plugin in the build's plugin directory, probed the way shimingctl does; `hide` leaves
// one out.
class RealPlugins {
 public:
  explicit RealPlugins(const std::string& hide = "") {
    std::vector<std::string> errors;
    infos_ = shiming::probe_plugin_dir(SHIMING_PLUGIN_DIR, errors);
    for (const auto& e : errors) ADD_FAILURE() << e;
    infos_.erase(hide);
  }
  // The plugins config/host.yaml lists that this build left out (SHIMING_PLUGIN_FILTER).
  std::vector<std::string> missing() const {
    std::vector<std::string> out;
    auto host = load_host_config(std::string(SHIMING_SOURCE_DIR) + "/config/host.yaml");
    if (host)
      for (const auto& p : host->plugins)
        if (!infos_.count(p.name)) out.push_back(p.name);
    return out;
  }
  PluginLookup lookup() const {
    return [this](const std::string& name) -> const PluginInfo* {
      auto it = infos_.find(name);
      return it == infos_.end() ? nullptr : &it->second;
    };
  }

 private:
  std::map<std::string, PluginInfo> infos_;
};

#define SKIP_UNLESS_ALL_PLUGINS_BUILT(plugins)                                              \
  if (auto m = (plugins).missing(); !m.empty())                                           \
  GTEST_SKIP() << "this build leaves out plugins config/host.yaml lists, e.g. " << m[0]

class SampleRules : public ::testing::Test {
 protected:
  void SetUp() override {
    SKIP_UNLESS_ALL_PLUGINS_BUILT(plugins_);
    std::vector<Diagnostic> d;
    auto r = load_rules(kRulesDir, plugins_.lookup(), d);
    ASSERT_TRUE(r.ok()) << format_diagnostics(d);
    snapshot_ = *r;
  }
  RealPlugins plugins_;
  std::shared_ptr<const RulesSnapshot> snapshot_;
};

TEST_F(SampleRules, ThreeProvincesLoad) {
  EXPECT_EQ(snapshot_->codes(), (std::vector<std::string>{"beijing", "guangdong", "sichuan"}));
  for (const auto& code : snapshot_->codes()) {
    const ProvinceRules* p = snapshot_->province(code);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->timezone, "Asia/Shanghai");
    EXPECT_NE(p->enabled_channel("online"), nullptr) << code;
    EXPECT_EQ(p->sessions.size(), 3u) << code;
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
  ASSERT_NE(gd.enabled_channel("enterprise"), nullptr);
  EXPECT_EQ(gd.enabled_channel("enterprise")->settings["max_rows"], 2000);
  EXPECT_EQ(bj.enabled_channel("enterprise"), nullptr);
  EXPECT_EQ(sc.channels.at("overseas").settings["embassy_certificate_required"], true);
  EXPECT_EQ(sc.channels.at("overseas").settings["video_verification"], "live");
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
  EXPECT_EQ(bj.current_session(*parse_time("2027-01-01T00:00:00+08:00"))->id, "2027-05");
  EXPECT_EQ(bj.current_session(*parse_time("2027-06-01T00:00:00+08:00")), nullptr);
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
  // Two derived windows per session (first day, last two days) plus the extra one.
  EXPECT_EQ(gd.peaks.size(), 2 * gd.sessions.size() + 1);
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

// Online: OCR -> liveness -> authority comparison (issues 2 and 5); the window runs the authority
// check too (issue 6). Both point at the simulator scripts/run.sh starts (config/authority-sim),
// with the files tools/authority_sim/make-dev-pki.sh writes under var/authority-sim.
TEST_F(SampleRules, BeijingRunsTheAuthorityCheckOnlineAndAtTheWindow) {
  const ProvinceRules& bj = *snapshot_->province("beijing");
  const auto& online = bj.enabled_channel("online")->pipeline;
  std::vector<std::string> names;
  for (const auto& step : online) names.push_back(step.verifier);
  EXPECT_EQ(names, (std::vector<std::string>{"id_number", "idcard_ocr", "face_quality", "liveness", "face_match",
                                             "authority"}));
  const auto& window = bj.enabled_channel("window")->pipeline;
  ASSERT_EQ(window.size(), 2u);
  EXPECT_EQ(window[1].verifier, "authority");
  EXPECT_EQ(window[1].params, online.back().params);
  const auto& p = online.back().params;
  EXPECT_EQ(p["endpoint"], "https://127.0.0.1:9443");
  EXPECT_EQ(p["client_id"], "demo-province");
  for (const char* key : {"hmac_key_file", "ca_file", "client_cert_file", "client_key_file"})
    EXPECT_EQ(p[key].get<std::string>().rfind("authority-sim/", 0), 0u) << key;  // under var/
  // The simulator's sample config knows that client and listens there.
  std::ifstream sim(std::string(SHIMING_SOURCE_DIR) + "/config/authority-sim/sim.yaml");
  std::stringstream text;
  text << sim.rdbuf();
  EXPECT_NE(text.str().find("listen: {address: 127.0.0.1, port: 9443}"), std::string::npos);
  EXPECT_NE(text.str().find("- id: demo-province"), std::string::npos);
  EXPECT_NE(text.str().find("../../var/authority-sim/demo-province.hmac"), std::string::npos);
  // Provinces that do not run it yet say so by not naming it (Guangdong: staff review every case).
  for (const auto& step : snapshot_->province("guangdong")->enabled_channel("online")->pipeline)
    EXPECT_NE(step.verifier, "authority");
}

TEST(SampleRulesPlugins, WithoutTheOnlinePluginTheSampleIsRefused) {
  RealPlugins no_online("online");
  SKIP_UNLESS_ALL_PLUGINS_BUILT(RealPlugins());
  std::vector<Diagnostic> d;
  EXPECT_FALSE(load_rules(kRulesDir, no_online.lookup(), d).ok());
  // Each province file names the online channel itself: one error per province, at its place.
  std::vector<std::string> online_errors;
  for (const auto& x : d)
    if (x.message.find("unknown plugin 'online'") != std::string::npos) online_errors.push_back(x.to_string());
  ASSERT_EQ(online_errors.size(), 3u) << format_diagnostics(d);
  EXPECT_EQ(online_errors[0].rfind(kRulesDir + "/beijing.yaml:9:3: unknown plugin 'online'", 0), 0u);
}

struct CliRun {
  int code;
  std::string out, err;
};

CliRun check(const std::vector<std::string>& args, const PluginLookup& plugins) {
  std::ostringstream out, err;
  int code = run_rules_check(args, out, err, [&](const std::string&) { return plugins; });
  return {code, out.str(), err.str()};
}

TEST(SampleRulesCli, DirectoryOneFileAndDefaultsAreValid) {
  RealPlugins plugins;
  SKIP_UNLESS_ALL_PLUGINS_BUILT(plugins);
  auto all = check({kRulesDir}, plugins.lookup());
  EXPECT_EQ(all.code, 0) << all.out << all.err;
  EXPECT_EQ(all.out, "OK " + kRulesDir + ": beijing, guangdong, sichuan\n");
  auto one = check({kRulesDir + "/sichuan.yaml"}, plugins.lookup());
  EXPECT_EQ(one.code, 0) << one.out << one.err;
  EXPECT_EQ(one.out, "OK " + kRulesDir + "/sichuan.yaml: sichuan\n");
  auto defaults = check({kRulesDir + "/defaults.yaml"}, plugins.lookup());
  EXPECT_EQ(defaults.code, 0) << defaults.out << defaults.err;
  EXPECT_EQ(defaults.out, "OK " + kRulesDir + "/defaults.yaml: beijing, guangdong, sichuan\n");
}

TEST(SampleRulesCli, JsonReportsTheBadFileBesideTheGoodSample) {
  RealPlugins plugins;
  SKIP_UNLESS_ALL_PLUGINS_BUILT(plugins);
  auto dir = std::filesystem::temp_directory_path() / ("shiming-sample-cli-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string f = (dir / "demo.yaml").string();
  std::ofstream(f) << "code: demo\nname: 演示\nname_en: Demo\nregion_code: \"1x\"\n";
  auto r = check({f, kRulesDir, "--json"}, plugins.lookup());
  std::filesystem::remove_all(dir);
  EXPECT_EQ(r.code, 1);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["ok"], false);
  ASSERT_EQ(j["files"].size(), 2u);
  EXPECT_EQ(j["files"][0]["ok"], false);
  EXPECT_EQ(j["files"][1]["ok"], true);
  EXPECT_EQ(j["provinces"], nlohmann::json::array({"beijing", "guangdong", "sichuan"}));
  ASSERT_EQ(j["diagnostics"].size(), 1u);
  EXPECT_EQ(j["diagnostics"][0]["file"], f);
  EXPECT_EQ(j["diagnostics"][0]["line"], 4);
  EXPECT_EQ(j["diagnostics"][0]["column"], 14);
  EXPECT_EQ(j["diagnostics"][0]["path"], "region_code");
}

}  // namespace
}  // namespace shiming::rules
