#include "rules/rules_check_cli.h"

#include <sstream>

#include <gtest/gtest.h>

#include "plugin_stand_ins.h"
#include "temp_rules_dir.h"

namespace shiming::rules {
namespace {

const std::string kSample = std::string(SHIMING_SOURCE_DIR) + "/config/provinces";

struct Run {
  int code;
  std::string out, err;
};

Run check(const std::vector<std::string>& args, const PluginLookupFactory& factory) {
  std::ostringstream out, err;
  int code = run_rules_check(args, out, err, factory);
  return {code, out.str(), err.str()};
}

TEST(RulesCheckCli, SampleDirectoryIsValid) {
  auto plugins = testing::sample_plugins();
  std::string seen_dir = "unset";
  auto r = check({kSample, "--plugins", "/opt/plugins"}, [&](const std::string& d) {
    seen_dir = d;
    return plugins.lookup();
  });
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(seen_dir, "/opt/plugins");
  EXPECT_EQ(r.out, "OK " + kSample + ": beijing, guangdong, sichuan\n");
}

TEST(RulesCheckCli, OneProvinceFileAndDefaults) {
  auto plugins = testing::sample_plugins();
  auto factory = [&](const std::string&) { return plugins.lookup(); };
  auto one = check({kSample + "/sichuan.yaml"}, factory);
  EXPECT_EQ(one.code, 0) << one.out;
  EXPECT_EQ(one.out, "OK " + kSample + "/sichuan.yaml: sichuan\n");
  auto defaults = check({kSample + "/defaults.yaml"}, factory);
  EXPECT_EQ(defaults.code, 0) << defaults.out;
  EXPECT_EQ(defaults.out, "OK " + kSample + "/defaults.yaml: beijing, guangdong, sichuan\n");
}

TEST(RulesCheckCli, ErrorsPrintedWithPositionsAndExitOne) {
  testing::TempRulesDir dir;
  std::string f = dir.write("demo.yaml", "code: demo\nname: 演示\nname_en: Demo\nregion_code: \"11\"\n"
                                         "channels:\n  online:\n    enabled: true\n    pipelin: []\n");
  auto plugins = testing::sample_plugins();
  auto r = check({f}, [&](const std::string&) { return plugins.lookup(); });
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, f + ":6:3: channel 'online' is enabled but its pipeline is empty\n" + f +
                       ":8:5: unknown key 'pipelin' in 'channels.online'; did you mean 'pipeline'?\n"
                       "2 errors\n");
}

TEST(RulesCheckCli, JsonOutput) {
  testing::TempRulesDir dir;
  std::string f = dir.write("demo.yaml", "code: demo\nname: 演示\nname_en: Demo\nregion_code: \"1x\"\n");
  auto plugins = testing::sample_plugins();
  auto r = check({f, kSample, "--json"}, [&](const std::string&) { return plugins.lookup(); });
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

TEST(RulesCheckCli, UsageErrors) {
  PluginLookup none;
  std::ostringstream out, err;
  EXPECT_EQ(run_rules_check({}, out, err, none), 2);
  EXPECT_NE(err.str().find("usage: shimingctl rules check"), std::string::npos);
  EXPECT_EQ(run_rules_check({"x.yaml", "--plugins"}, out, err, none), 2);
  EXPECT_EQ(run_rules_check({"x.yaml", "--frobnicate"}, out, err, none), 2);
  std::ostringstream help;
  EXPECT_EQ(run_rules_check({"--help"}, help, err, none), 0);
  EXPECT_NE(help.str().find("--json"), std::string::npos);
  // A missing file is a diagnostic, not a crash.
  std::ostringstream o2, e2;
  EXPECT_EQ(run_rules_check({"/nonexistent/p.yaml"}, o2, e2, none), 1);
  EXPECT_EQ(o2.str(), "/nonexistent/p.yaml: cannot read the file\n1 error\n");
}

}  // namespace
}  // namespace shiming::rules
