// Bad input gets diagnostics, never a crash or an exception: every line of the
// sample files is dropped or has its value replaced by a value of another
// kind, and the result is loaded.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "rules/host_config.h"
#include "rules/rules_loader.h"
#include "plugin_stand_ins.h"
#include "temp_rules_dir.h"

namespace shiming::rules {
namespace {

const std::string kSample = std::string(SHIMING_SOURCE_DIR) + "/config";

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string join(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + '\n';
  return s;
}

// Variants of a document: each line dropped, and each "key: value" line with
// its value replaced by values of other kinds.
std::vector<std::string> variants(const std::vector<std::string>& lines) {
  const std::vector<std::string> replacements = {"", "[", "{a: 1}", "[1, 2]", "~", "\"text\"",
                                                 "-7", "true", "2026-02-30", "'", "&a *a"};
  std::vector<std::string> out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto dropped = lines;
    dropped.erase(dropped.begin() + static_cast<long>(i));
    out.push_back(join(dropped));
    auto colon = lines[i].find(": ");
    if (colon == std::string::npos || lines[i].find('#') < colon) continue;
    for (const auto& r : replacements) {
      auto changed = lines;
      changed[i] = lines[i].substr(0, colon + 2) + r;
      out.push_back(join(changed));
    }
  }
  return out;
}

TEST(MalformedInput, ProvinceFilesNeverCrash) {
  auto plugins = testing::sample_plugins();
  auto defaults_lines = read_lines(kSample + "/provinces/defaults.yaml");
  std::size_t runs = 0, rejected = 0;
  for (const char* code : {"beijing", "sichuan"}) {
    auto lines = read_lines(kSample + "/provinces/" + code + ".yaml");
    ASSERT_FALSE(lines.empty());
    std::vector<Diagnostic> d;
    auto defaults = load_yaml_file(kSample + "/provinces/defaults.yaml", d);
    for (const auto& text : variants(lines)) {
      std::vector<Diagnostic> diags;
      auto doc = load_yaml_text(text, std::string(code) + ".yaml", diags);
      bool ok = false;
      ASSERT_NO_THROW({
        if (doc) ok = load_province(defaults, doc, plugins.lookup(), diags).ok();
      }) << text;
      ++runs;
      if (!ok) {
        ++rejected;
        EXPECT_FALSE(diags.empty()) << text;
      }
    }
  }
  // Mutating defaults.yaml, with beijing over it.
  std::vector<Diagnostic> d;
  auto beijing = load_yaml_file(kSample + "/provinces/beijing.yaml", d);
  for (const auto& text : variants(defaults_lines)) {
    std::vector<Diagnostic> diags;
    auto defaults = load_yaml_text(text, "defaults.yaml", diags);
    ASSERT_NO_THROW({
      if (defaults) (void)load_province(defaults, beijing, plugins.lookup(), diags);
    }) << text;
    ++runs;
  }
  EXPECT_GT(runs, 500u);
  EXPECT_GT(rejected, runs / 10);
}

TEST(MalformedInput, HostYamlNeverCrashes) {
  testing::TempRulesDir dir;
  std::filesystem::create_directories(dir.dir() + "/config");
  std::string path = dir.dir() + "/config/host.yaml";
  auto lines = read_lines(kSample + "/host.yaml");
  std::size_t rejected = 0;
  auto all = variants(lines);
  for (const auto& text : all) {
    std::ofstream(path, std::ios::trunc) << text;
    std::vector<Diagnostic> diags;
    ASSERT_NO_THROW({
      auto r = load_host_config(path, &diags);
      if (!r.ok()) {
        ++rejected;
        EXPECT_FALSE(diags.empty());
        EXPECT_EQ(r.error().code, "HOST_CONFIG_INVALID");
      }
    }) << text;
  }
  EXPECT_GT(rejected, all.size() / 10);
}

}  // namespace
}  // namespace shiming::rules
