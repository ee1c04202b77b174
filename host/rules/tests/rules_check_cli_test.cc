#include "rules/rules_check_cli.h"

#include <sstream>

#include <gtest/gtest.h>

#include "plugin_stand_ins.h"
#include "temp_rules_dir.h"

namespace shiming::rules {
namespace {

struct Run {
  int code;
  std::string out, err;
};

Run check(const std::vector<std::string>& args, const PluginLookupFactory& factory) {
  std::ostringstream out, err;
  int code = run_rules_check(args, out, err, factory);
  return {code, out.str(), err.str()};
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
