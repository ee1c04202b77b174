// The installed layout (packaging/): `cmake --install --component server` into a scratch prefix,
// then the INSTALLED shiming-host started with the INSTALLED host.yaml, finding its plugins,
// province rules and face model through the paths the install wrote, and the installed
// shimingctl adding a staff account that signs in.
#include <filesystem>
#include <random>
#include <set>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "test_support.h"

namespace shiming::testing {
namespace {

namespace fs = std::filesystem;

TEST(Install, TheInstalledHostRunsFromItsOwnLayout) {
  const std::string prefix = make_temp_dir("install");
  std::string out;
  int rc = run_program({"cmake", "--install", SHIMING_BINARY_DIR, "--component", "server", "--prefix", prefix}, out);
  ASSERT_EQ(rc, 0) << out;

  const std::string config = prefix + "/etc/shiming/host.yaml";
  YAML::Node installed = YAML::LoadFile(config);
  YAML::Node shipped = YAML::LoadFile(std::string(SHIMING_SOURCE_DIR) + "/config/host.yaml");
  // Every path points into the layout; nothing is left relative to a working directory.
  EXPECT_EQ(installed["plugin_dir"].as<std::string>(), prefix + "/lib/shiming/plugins");
  EXPECT_EQ(installed["rules_dir"].as<std::string>(), prefix + "/etc/shiming/provinces");
  EXPECT_EQ(installed["keyring_file"].as<std::string>(), prefix + "/var/lib/shiming/keys/keyring.json");
  EXPECT_EQ(installed["evidence_dir"].as<std::string>(), prefix + "/var/lib/shiming/evidence");
  EXPECT_EQ(installed["database"]["url"].as<std::string>(), "sqlite:" + prefix + "/var/lib/shiming/shiming.db");
  // The same plugins as the shipped config, each installed as a file.
  std::set<std::string> names;
  for (const auto& p : shipped["plugins"]) names.insert(p["name"].as<std::string>());
  std::set<std::string> installed_names;
  for (const auto& p : installed["plugins"]) {
    installed_names.insert(p["name"].as<std::string>());
    EXPECT_TRUE(fs::exists(prefix + "/lib/shiming/plugins/lib" + p["name"].as<std::string>() + ".so"))
        << p["name"].as<std::string>();
    if (p["config"] && p["config"]["descriptor_model_dir"]) {
      fs::path model = p["config"]["descriptor_model_dir"].as<std::string>();
      EXPECT_TRUE(fs::exists(model / "face_recognition_model.bin")) << model;
    }
  }
  EXPECT_EQ(installed_names, names);
  for (const auto& f : fs::directory_iterator(std::string(SHIMING_SOURCE_DIR) + "/config/provinces"))
    EXPECT_TRUE(fs::exists(prefix + "/etc/shiming/provinces/" + f.path().filename().string())) << f.path();
  std::string unit = slurp(prefix + "/lib/systemd/system/shiming-host.service");
  EXPECT_NE(unit.find("ExecStart=" + prefix + "/bin/shiming-host --config " + config), std::string::npos) << unit;
  EXPECT_NE(unit.find("ExecReload=/bin/kill -HUP $MAINPID"), std::string::npos);
  EXPECT_EQ(unit.find("@SHIMING_"), std::string::npos) << "an unsubstituted @VARIABLE@ in the unit";

  // The installed binaries with the installed config (the data directory and database in the
  // test's work dir so the run leaves the prefix as installed).
  HostProcessOptions options;
  options.config_file = config;
  options.binary = prefix + "/bin/shiming-host";
  options.plugin_dir_from_config = true;
  HostProcess host(options);
  ASSERT_TRUE(host.start()) << host.log_text();
  Api api(host.port());
  auto health = api.call("GET", "/healthz");
  ASSERT_EQ(health.status, 200) << health.body;
  EXPECT_EQ(health.json()["plugins"].get<std::size_t>(), names.size()) << health.body;
  EXPECT_GE(health.json()["provinces"].get<int>(), 3);

  std::mt19937 rng(std::random_device{}());
  const std::string admin = "admin_" + std::to_string(rng());
  rc = run_program({prefix + "/bin/shimingctl", "--config", config, "--database",
                    "sqlite:" + host.work_dir() + "/shiming.db", "user", "add", admin, "--province", "beijing",
                    "--role", "admin"},
                   out, std::string(kStaffPassword) + "\n");
  ASSERT_EQ(rc, 0) << out;
  std::string token = login(api, admin);
  ASSERT_FALSE(token.empty());
  auto plugins = api.call("GET", "/api/v1/plugins", "", token);
  ASSERT_EQ(plugins.status, 200) << plugins.body;
  const auto listed = plugins.json();  // kept: a range-for over a temporary's member dangles
  for (const auto& p : listed["plugins"])
    EXPECT_EQ(p["file"].get<std::string>().rfind(prefix + "/lib/shiming/plugins/", 0), 0u) << p.dump();
  EXPECT_EQ(host.stop(), 0);
}

}  // namespace
}  // namespace shiming::testing
