#include <gtest/gtest.h>

#include "rules/rules_loader.h"
#include "plugin_stand_ins.h"
#include "temp_rules_dir.h"

namespace shiming::rules {
namespace {

using testing::StandInPlugins;
using testing::TempRulesDir;

const char* kDefaults = R"(timezone: Asia/Shanghai
identity: {min_age: 0, max_age: 150}
channels:
  online:
    enabled: true
    review_policy: manual
    sla_working_days: 3
    pipeline:
      - verifier: id_number
    settings: {face_required: true}
  window:
    enabled: false
    settings: {anything: [1, 2]}
calendar:
  "2026":
    holidays: [2026-10-01..2026-10-07]
    workdays: [2026-09-20, 2026-10-10]
retention: {biometric_days: 30, document_days: 180}
)";

const char* kMinimal = R"(code: demo
name: 演示省
name_en: Demo
region_code: "11"
)";

std::vector<std::string> lines(const std::vector<Diagnostic>& d) {
  std::vector<std::string> out;
  for (const auto& x : d) out.push_back(x.to_string());
  return out;
}

TEST(ProvinceLoader, InheritsDefaultsMapsMergeListsReplace) {
  TempRulesDir dir;
  dir.write("defaults.yaml", kDefaults);
  dir.write("demo.yaml", std::string(kMinimal) + R"(identity: {min_age: 18}
channels:
  online:
    review_policy: auto_when_all_pass
    pipeline:
      - verifier: id_number
        params: {unknown_region: review}
calendar:
  "2026":
    holidays: [2026-10-01]
)");
  auto plugins = testing::sample_plugins();
  std::vector<Diagnostic> d;
  auto r = load_province_file(dir.file("demo.yaml"), plugins.lookup(), d);
  ASSERT_TRUE(r.ok()) << format_diagnostics(d);
  const ProvinceRules& p = r->rules;
  EXPECT_EQ(p.code, "demo");
  EXPECT_EQ(p.identity.min_age, 18);   // province wins
  EXPECT_EQ(p.identity.max_age, 150);  // inherited inside a merged map
  const ChannelRules* online = p.enabled_channel("online");
  ASSERT_NE(online, nullptr);
  EXPECT_EQ(online->review_policy, "auto_when_all_pass");
  EXPECT_EQ(online->sla_working_days, 3);
  ASSERT_EQ(online->pipeline.size(), 1u);
  EXPECT_EQ(online->pipeline[0].params["unknown_region"], "review");
  // Identity limits fill the same-named params the step does not set.
  EXPECT_EQ(online->pipeline[0].params["min_age"], 18);
  EXPECT_EQ(online->pipeline[0].params["max_age"], 150);
  // Channel settings: validated against the plugin schema, defaults filled in.
  EXPECT_EQ(online->settings["face_required"], true);
  EXPECT_EQ(online->settings["max_pixels"], 40'000'000);
  // A disabled channel is kept, with its settings unvalidated.
  EXPECT_EQ(p.enabled_channel("window"), nullptr);
  ASSERT_TRUE(p.channels.count("window"));
  EXPECT_EQ(p.channels.at("window").settings["anything"][1], 2);
  // The holidays list replaced the default one; the workdays list was inherited.
  EXPECT_FALSE(p.calendar.is_working_day(*parse_date("2026-10-01")));
  EXPECT_TRUE(p.calendar.is_working_day(*parse_date("2026-10-02")));
  EXPECT_TRUE(p.calendar.is_working_day(*parse_date("2026-10-10")));
  EXPECT_EQ(r->effective["retention"]["document_days"], 180);
  EXPECT_EQ(r->effective["channels"]["online"]["settings"]["max_upload_bytes"], 8 << 20);
}

TEST(ProvinceLoader, UnknownPluginsAreErrorsAtTheirPosition) {
  TempRulesDir dir;
  dir.write("defaults.yaml", kDefaults);
  std::string f = dir.write("demo.yaml", std::string(kMinimal) + R"(channels:
  window:
    enabled: true
  online:
    pipeline:
      - verifier: id_number
      - verifier: face_match
      - verifier: online
)");
  auto plugins = testing::sample_plugins();
  std::vector<Diagnostic> d;
  auto r = load_province_file(f, plugins.lookup(), d);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "RULES_INVALID");
  auto l = lines(d);
  ASSERT_EQ(l.size(), 4u) << format_diagnostics(d);
  // Same position: ordered by message.
  EXPECT_EQ(l[0], f + ":6:3: channel 'window' is enabled but its pipeline is empty");
  EXPECT_EQ(l[1], f + ":6:3: unknown plugin 'window' (no such channel plugin is loaded; list it in "
                      "host.yaml or set enabled: false)");
  EXPECT_EQ(l[2], f + ":11:19: unknown plugin 'face_match' (no such verifier plugin is loaded; list "
                      "it in host.yaml)");
  EXPECT_EQ(l[3], f + ":12:19: plugin 'online' is a channel, not a verifier");
}

TEST(ProvinceLoader, ParamsAndSettingsValidatedAgainstPluginSchemas) {
  TempRulesDir dir;
  dir.write("defaults.yaml", kDefaults);
  std::string f = dir.write("demo.yaml", std::string(kMinimal) + R"(channels:
  online:
    settings:
      face_requird: true
      max_pixels: 0
    pipeline:
      - verifier: id_number
        params:
          max_age: 200
          unknown_region: reject
  window:
    enabled: true
    pipeline:
      - verifier: id_number
    settings:
      offices:
        - id: w1
          name: 窗口
      required_originals: [id_card, diplom]
)");
  auto plugins = testing::sample_plugins();
  plugins.add("window", testing::window_stand_in());
  std::vector<Diagnostic> d;
  auto r = load_province_file(f, plugins.lookup(), d);
  ASSERT_FALSE(r.ok());
  auto l = lines(d);
  ASSERT_EQ(l.size(), 7u) << format_diagnostics(d);
  // Enabling the window validates the settings it inherits from defaults.yaml too.
  EXPECT_EQ(l[0], dir.file("defaults.yaml") + ":13:16: unknown key 'anything' in "
                  "'channels.window.settings'; expected one of 'offices', 'required_originals'");
  l.erase(l.begin());
  EXPECT_EQ(l[0], f + ":8:7: unknown key 'face_requird' in 'channels.online.settings'; did you mean "
                      "'face_required'?");
  EXPECT_EQ(l[1], f + ":9:19: value 0 for 'channels.online.settings.max_pixels' is out of range: "
                      "must be between 100000 and 200000000");
  EXPECT_EQ(l[2], f + ":13:20: value 200 for 'channels.online.pipeline[0].params.max_age' is out of "
                      "range: must be between 0 and 150");
  EXPECT_EQ(l[3].rfind(f + ":14:27: value 'reject' is not allowed for "
                           "'channels.online.pipeline[0].params.unknown_region'; allowed: 'warn', 'review'",
                       0),
            0u)
      << l[3];
  EXPECT_EQ(l[4], f + ":21:11: missing required key 'address' in 'channels.window.settings.offices[0]'");
  EXPECT_EQ(l[5].rfind(f + ":23:37: value 'diplom' is not allowed", 0), 0u) << l[5];
  EXPECT_NE(l[5].find("did you mean 'diploma'?"), std::string::npos);
}

TEST(ProvinceLoader, ManyErrorsInOneFileAllReportedAndDefaultsBlamed) {
  TempRulesDir dir;
  std::string defaults = dir.write("defaults.yaml", std::string(kDefaults) + "retension: {}\n");
  std::string f = dir.write("demo.yaml", R"(code: Demo
name: 演示
region_code: "99"
identity: {min_age: 70, max_age: 60}
channels:
  online:
    review_policy: auto
    max_attempts: many
sessions:
  - id: 2026-05
    name: 上半年
    name_en: Spring
    registration_open: 2026-03-20T09:00:00+08:00
    registration_close: 2026-03-10T17:00:00+08:00
    verification_deadline: 2026-03-24T17:00:00+08:00
    exam_date: 2026-02-30
  - id: 2026-05
    name: 重复
    name_en: Duplicate
    registration_open: 2026-08-18T09:00:00+08:00
    registration_close: 2026-08-28T17:00:00+08:00
    verification_deadline: 2026-09-01T17:00:00
    exam_date: 2026-11-07
advice:
  face_mismatch: {advice: x}
help:
  consultation_url: www.example.cn
)");
  auto plugins = testing::sample_plugins();
  std::vector<Diagnostic> d;
  auto r = load_province_file(f, plugins.lookup(), d);
  ASSERT_FALSE(r.ok());
  auto l = lines(d);
  std::vector<std::string> want = {
      defaults + ":19:1: unknown key 'retension'; did you mean 'retention'?",
      f + ":1:1: missing required key 'name_en'",
      f + ":1:7: province code 'Demo' must be a URL slug (a-z, 0-9, -)",
      f + ":3:14: region_code '99' is not a GB/T 2260 province prefix (two digits, e.g. \"11\")",
      f + ":4:11: identity.min_age (70) is greater than identity.max_age (60)",
      f + ":7:20: value 'auto' is not allowed for 'channels.online.review_policy'; allowed: 'manual', "
          "'auto_when_all_pass'",
      f + ":8:19: wrong type for 'channels.online.max_attempts': expected an integer, found string 'many'",
      f + ":14:25: registration_close must be after registration_open",
      f + ":16:16: bad date '2026-02-30' for 'sessions[0].exam_date': expected YYYY-MM-DD and a real "
          "calendar date",
      f + ":17:9: session id '2026-05' is used twice (first at line 10)",
      f + ":22:28: bad date-time '2026-09-01T17:00:00' for 'sessions[1].verification_deadline': expected "
          "YYYY-MM-DDTHH:MM[:SS] with an offset such as +08:00",
      f + ":25:3: reason code 'face_mismatch' must be UPPER_SNAKE (e.g. FACE_MISMATCH)",
      f + ":27:21: consultation_url must start with https:// or http://",
  };
  EXPECT_EQ(l, want) << format_diagnostics(d);
}

TEST(ProvinceLoader, CalendarEntriesChecked) {
  TempRulesDir dir;
  std::string f = dir.write("demo.yaml", std::string(kMinimal) + R"(calendar:
  "2026":
    holidays:
      - 2026-10-01..2026-10-07
      - 2026-10-09..2026-10-08
      - 2027-01-01
      - 2026-13-01
    workdays: [2026-10-03]
  "26":
    holidays: []
)");
  std::vector<Diagnostic> d;
  auto r = load_province_file(f, testing::sample_plugins().lookup(), d);
  ASSERT_FALSE(r.ok());
  auto l = lines(d);
  ASSERT_EQ(l.size(), 5u) << format_diagnostics(d);
  EXPECT_EQ(l[0], f + ":9:9: date range '2026-10-09..2026-10-08' ends before it starts");
  EXPECT_EQ(l[1], f + ":10:9: '2027-01-01' is not in calendar year 2026");
  EXPECT_EQ(l[2], f + ":11:9: bad date '2026-13-01': expected YYYY-MM-DD or a range "
                      "YYYY-MM-DD..YYYY-MM-DD of real calendar dates");
  EXPECT_EQ(l[3], f + ":12:16: 2026-10-03 is both a holiday and a make-up working day");
  EXPECT_EQ(l[4], f + ":13:3: calendar year '26' must be four digits, e.g. 2026");
}

TEST(ProvinceLoader, CodeMustMatchFileName) {
  TempRulesDir dir;
  std::string f = dir.write("other.yaml", kMinimal);
  std::vector<Diagnostic> d;
  auto r = load_province_file(f, testing::sample_plugins().lookup(), d);
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].to_string(), f + ":1:7: province code 'demo' must match the file name 'other.yaml'");
}

TEST(ProvinceLoader, EnabledChannelWithoutPipelineOrWithoutDefaults) {
  TempRulesDir dir;
  std::string f = dir.write("demo.yaml", std::string(kMinimal) + "channels:\n  online:\n    enabled: true\n");
  std::vector<Diagnostic> d;
  auto r = load_province_file(f, testing::sample_plugins().lookup(), d);
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].to_string(), f + ":6:3: channel 'online' is enabled but its pipeline is empty");
}

TEST(ProvinceLoader, LoadRulesReportsEveryFile) {
  TempRulesDir dir;
  dir.write("defaults.yaml", kDefaults);
  std::string a = dir.write("alpha.yaml", "code: alpha\nname: 甲\nname_en: Alpha\nregion_code: \"12\"\n");
  std::string b = dir.write("beta.yaml", "code: beta\nname: 乙\nname_en: Beta\nregion_code: \"1\"\n");
  std::string c = dir.write("gamma.yaml", "code: gamma\nname: [\n");
  dir.write("notes.txt", "not rules");
  std::vector<Diagnostic> d;
  auto r = load_rules(dir.dir(), testing::sample_plugins().lookup(), d);
  ASSERT_FALSE(r.ok());
  auto l = lines(d);
  ASSERT_EQ(l.size(), 2u) << format_diagnostics(d);
  EXPECT_EQ(l[0].rfind(b + ":4:14: region_code '1'", 0), 0u);
  EXPECT_EQ(l[1].rfind(c + ":3:1: YAML syntax error", 0), 0u) << l[1];
}

TEST(ProvinceLoader, MissingOrEmptyDirectory) {
  std::vector<Diagnostic> d;
  EXPECT_FALSE(load_rules("/nonexistent/rules", {}, d).ok());
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].to_string(), "/nonexistent/rules: the rules directory does not exist");
  TempRulesDir dir;
  d.clear();
  EXPECT_FALSE(load_rules(dir.dir(), {}, d).ok());
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].message.find("no province file"), std::string::npos);
}

}  // namespace
}  // namespace shiming::rules
