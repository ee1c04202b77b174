#include "rules/schema_validator.h"

#include <gtest/gtest.h>

namespace shiming::rules {
namespace {

using sdk::ConfigField;
using sdk::ConfigSchema;
using sdk::FieldType;

ConfigSchema server_schema() {
  ConfigSchema s;
  ConfigField listen{.name = "listen", .type = FieldType::object};
  listen.fields.push_back({.name = "address", .type = FieldType::string, .default_value = "127.0.0.1"});
  listen.fields.push_back({.name = "port", .type = FieldType::integer, .default_value = 8080,
                           .min = 1, .max = 65535});
  s.fields.push_back(listen);
  s.fields.push_back({.name = "name", .type = FieldType::string, .required = true});
  s.fields.push_back({.name = "policy", .type = FieldType::string, .default_value = "manual",
                      .allowed = {"manual", "auto_when_all_pass"}});
  s.fields.push_back({.name = "enabled", .type = FieldType::boolean, .default_value = false});
  s.fields.push_back({.name = "ratio", .type = FieldType::number, .min = 0, .max = 1});
  s.fields.push_back({.name = "opens", .type = FieldType::date});
  s.fields.push_back({.name = "closes_at", .type = FieldType::datetime});
  s.fields.push_back({.name = "tags", .type = FieldType::string_list, .allowed = {"a", "b"}});
  ConfigField steps{.name = "steps", .type = FieldType::list};
  steps.fields.push_back({.name = "verifier", .type = FieldType::string, .required = true});
  steps.fields.push_back({.name = "params", .type = FieldType::object, .open = true});
  s.fields.push_back(steps);
  ConfigField advice{.name = "advice", .type = FieldType::map};
  advice.fields.push_back({.name = "message", .type = FieldType::string});
  s.fields.push_back(advice);
  return s;
}

ValidationResult run(const std::string& text) {
  return validate(YAML::Load(text), server_schema(), "t.yaml");
}

std::vector<std::string> lines(const ValidationResult& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics) out.push_back(d.to_string());
  return out;
}

TEST(SchemaValidator, ValidDocumentGetsDefaults) {
  auto r = run("name: x\nlisten:\n  port: 9000\nsteps:\n  - verifier: id_number\n    params: {min_age: 18}\n");
  ASSERT_TRUE(r.ok()) << format_diagnostics(r.diagnostics);
  EXPECT_EQ(r.value["listen"]["address"], "127.0.0.1");
  EXPECT_EQ(r.value["listen"]["port"], 9000);
  EXPECT_EQ(r.value["policy"], "manual");
  EXPECT_EQ(r.value["enabled"], false);
  EXPECT_EQ(r.value["steps"][0]["params"]["min_age"], 18);
  EXPECT_FALSE(r.value.contains("ratio"));
}

TEST(SchemaValidator, AbsentObjectGetsItsFieldsDefaults) {
  auto r = run("name: x\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value["listen"]["port"], 8080);
}

TEST(SchemaValidator, UnknownKeyWithSuggestion) {
  auto r = run("name: x\nlisten:\n  prot: 80\n");
  ASSERT_EQ(lines(r).size(), 1u);
  EXPECT_EQ(lines(r)[0], "t.yaml:3:3: unknown key 'prot' in 'listen'; did you mean 'port'?");
  EXPECT_EQ(r.diagnostics[0].path, "listen.prot");
}

TEST(SchemaValidator, UnknownKeyFarFromEverythingListsChoices) {
  auto r = run("name: x\nzzzzzzzzzz: 1\n");
  ASSERT_EQ(lines(r).size(), 1u);
  EXPECT_EQ(lines(r)[0].rfind("t.yaml:2:1: unknown key 'zzzzzzzzzz'; expected one of 'listen', ", 0), 0u)
      << lines(r)[0];
}

TEST(SchemaValidator, WrongTypeSaysExpectedAndFound) {
  auto r = run("name: x\nlisten:\n  port: \"8080\"\nenabled: yes\nratio: [1]\n");
  auto l = lines(r);
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[0], "t.yaml:3:9: wrong type for 'listen.port': expected an integer, found string '8080'");
  EXPECT_EQ(l[1], "t.yaml:4:10: wrong type for 'enabled': expected a boolean (true or false), found string 'yes'");
  EXPECT_EQ(l[2], "t.yaml:5:8: wrong type for 'ratio': expected a number, found a list");
}

TEST(SchemaValidator, MissingRequiredKey) {
  auto r = run("listen:\n  port: 80\nsteps:\n  - params: {}\n");
  auto l = lines(r);
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0], "t.yaml:4:5: missing required key 'verifier' in 'steps[0]'");
  EXPECT_EQ(l[1], "t.yaml:1:1: missing required key 'name'");
}

TEST(SchemaValidator, OutOfRange) {
  auto r = run("name: x\nlisten: {port: 70000}\nratio: -0.5\n");
  auto l = lines(r);
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0], "t.yaml:2:16: value 70000 for 'listen.port' is out of range: must be between 1 and 65535");
  EXPECT_EQ(l[1], "t.yaml:3:8: value -0.5 for 'ratio' is out of range: must be between 0 and 1");
}

TEST(SchemaValidator, NotInAllowedList) {
  auto r = run("name: x\npolicy: auto_when_all_passes\ntags: [a, c]\n");
  auto l = lines(r);
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0], "t.yaml:2:9: value 'auto_when_all_passes' is not allowed for 'policy'; allowed: "
                  "'manual', 'auto_when_all_pass' (did you mean 'auto_when_all_pass'?)");
  EXPECT_EQ(l[1], "t.yaml:3:11: value 'c' is not allowed for 'tags[1]'; allowed: 'a', 'b'");
}

TEST(SchemaValidator, BadDates) {
  auto r = run("name: x\nopens: 2026-02-30\ncloses_at: 2026-03-01 09:00\n");
  auto l = lines(r);
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0], "t.yaml:2:8: bad date '2026-02-30' for 'opens': expected YYYY-MM-DD and a real calendar date");
  EXPECT_EQ(l[1], "t.yaml:3:12: bad date-time '2026-03-01 09:00' for 'closes_at': expected "
                  "YYYY-MM-DDTHH:MM[:SS] with an offset such as +08:00");
  auto ok = run("name: x\nopens: 2028-02-29\ncloses_at: 2026-03-01T09:00:00+08:00\n");
  EXPECT_TRUE(ok.ok()) << format_diagnostics(ok.diagnostics);
}

TEST(SchemaValidator, DuplicateKeys) {
  auto r = run("name: x\nlisten:\n  port: 1\n  port: 2\nname: y\n");
  auto l = lines(r);
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0], "t.yaml:4:3: duplicate key 'port' (first defined at line 3, column 3)");
  EXPECT_EQ(l[1], "t.yaml:5:1: duplicate key 'name' (first defined at line 1, column 1)");
}

TEST(SchemaValidator, EmptyValueIsReported) {
  auto r = run("name:\n");
  ASSERT_EQ(lines(r).size(), 1u);
  EXPECT_EQ(lines(r)[0], "t.yaml:1:1: 'name' has no value: expected a string");
}

TEST(SchemaValidator, MapValuesAreValidatedObjects) {
  auto r = run("name: x\nadvice:\n  FACE_MISMATCH: {message: hi}\n  ID_EXPIRED: {mesage: hi}\n");
  auto l = lines(r);
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0], "t.yaml:4:16: unknown key 'mesage' in 'advice.ID_EXPIRED'; did you mean 'message'?");
  EXPECT_EQ(r.value["advice"]["FACE_MISMATCH"]["message"], "hi");
}

TEST(SchemaValidator, AllErrorsOfOneDocumentAreReported) {
  auto r = run("listen:\n  prot: 1\n  port: 0\npolicy: x\nenabled: 1\nopens: 2026-13-01\n");
  EXPECT_EQ(r.diagnostics.size(), 6u) << format_diagnostics(r.diagnostics);
}

TEST(SchemaValidator, PathPrefixAppearsInPaths) {
  auto r = validate(YAML::Load("listen: {port: x}\nname: n\n"), server_schema(), "host.yaml",
                    "plugins.demo.config");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].path, "plugins.demo.config.listen.port");
}

TEST(EditDistance, ClosestName) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(closest_name("pipline", {"pipeline", "params"}), "pipeline");
  EXPECT_EQ(closest_name("xyz", {"pipeline", "params"}), "");
}

}  // namespace
}  // namespace shiming::rules
