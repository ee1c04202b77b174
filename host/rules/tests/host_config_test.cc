#include "rules/host_config.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace shiming::rules {
namespace {
namespace fs = std::filesystem;

class HostConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("shiming-host-config-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(root_ / "config");
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string write(const std::string& text) {
    std::string path = (root_ / "config" / "host.yaml").string();
    std::ofstream(path) << text;
    return path;
  }
  fs::path root_;
};

TEST_F(HostConfigTest, DefaultsAndPathsRelativeToProjectRoot) {
  auto r = load_host_config(write("listen: {port: 9090}\nplugins:\n  - name: id_number\n"
                                  "  - name: online\n    optional: true\n    file: /opt/x/libonline.so\n"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  const HostConfig& c = *r;
  EXPECT_EQ(c.root, root_.string());
  EXPECT_EQ(c.listen_address, "127.0.0.1");
  EXPECT_EQ(c.listen_port, 9090);
  EXPECT_EQ(c.database_url, "sqlite:" + (root_ / "var/shiming.db").string());
  EXPECT_EQ(c.rules_dir, (root_ / "config/provinces").string());
  EXPECT_EQ(c.keyring_file, (root_ / "var/keys/keyring.json").string());
  EXPECT_EQ(c.evidence_dir, (root_ / "var/evidence").string());
  EXPECT_EQ(c.plugin_dir, (root_ / "build/release/plugins").string());
  ASSERT_EQ(c.plugins.size(), 2u);
  EXPECT_EQ(c.plugins[0].file, (root_ / "build/release/plugins/libid_number.so").string());
  EXPECT_FALSE(c.plugins[0].optional);
  EXPECT_EQ(c.plugins[1].file, "/opt/x/libonline.so");
  EXPECT_TRUE(c.plugins[1].optional);
  EXPECT_EQ(c.job_lease_seconds, 60);
  EXPECT_EQ(c.limits.upload_max_bytes, 8u << 20);
  EXPECT_FALSE(c.tls.enabled());
}

TEST_F(HostConfigTest, AllErrorsReportedWithPositions) {
  std::vector<Diagnostic> d;
  auto r = load_host_config(write("listen:\n  port: 70000\nworker_thread: 4\ndatabase: {url: \"postgres://x\"}\n"
                                  "plugins:\n  - name: id_number\n  - name: id_number\n  - file: x.so\n"
                                  "tls: {cert_file: a.pem}\nlog: {level: verbose}\n"),
                            &d);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "HOST_CONFIG_INVALID");
  std::vector<std::string> lines;
  for (const auto& x : d) lines.push_back(x.to_string());
  std::string file = (root_ / "config/host.yaml").string();
  ASSERT_EQ(lines.size(), 7u) << format_diagnostics(d);
  EXPECT_EQ(lines[0], file + ":2:9: value 70000 for 'listen.port' is out of range: must be between 0 and 65535");
  EXPECT_EQ(lines[1], file + ":3:1: unknown key 'worker_thread'; did you mean 'worker_threads'?");
  EXPECT_EQ(lines[2].rfind(file + ":4:17: Unsupported database URL 'postgres://x'", 0), 0u) << lines[2];
  EXPECT_EQ(lines[3], file + ":7:11: plugin 'id_number' is listed twice");
  EXPECT_EQ(lines[4], file + ":8:5: missing required key 'name' in 'plugins[2]'");
  EXPECT_EQ(lines[5], file + ":9:6: tls needs both 'cert_file' and 'key_file' (or neither)");
  EXPECT_EQ(lines[6].rfind(file + ":10:14: value 'verbose' is not allowed for 'log.level'", 0), 0u);
}

TEST_F(HostConfigTest, MissingFileIsAnError) {
  std::vector<Diagnostic> d;
  auto r = load_host_config((root_ / "nope.yaml").string(), &d);
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].message.find("cannot read"), std::string::npos);
}

TEST_F(HostConfigTest, SyntaxErrorHasPosition) {
  std::vector<Diagnostic> d;
  auto r = load_host_config(write("listen: [1,\n  port: 2\n"), &d);
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].where.line, 3);  // the parser notices at the end of the input
  EXPECT_NE(d[0].message.find("YAML syntax error"), std::string::npos);
}

TEST_F(HostConfigTest, Overrides) {
  auto r = load_host_config(write("{}\n"));
  ASSERT_TRUE(r.ok());
  HostConfig c = *r;
  ASSERT_TRUE(apply_listen_override(c, "0.0.0.0:8443").ok());
  EXPECT_EQ(c.listen_address, "0.0.0.0");
  EXPECT_EQ(c.listen_port, 8443);
  ASSERT_TRUE(apply_listen_override(c, "[::1]:8080").ok());
  EXPECT_EQ(c.listen_address, "::1");
  EXPECT_EQ(c.listen_port, 8080);
  auto bad = apply_listen_override(c, "8080");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "LISTEN_INVALID");
  EXPECT_FALSE(bad.error().message_zh.empty());
  EXPECT_FALSE(apply_listen_override(c, "host:99999").ok());
  ASSERT_TRUE(apply_listen_override(c, "127.0.0.1:0").ok());  // any free port
  EXPECT_EQ(c.listen_port, 0);
  ASSERT_TRUE(apply_database_override(c, "mysql://u:p@127.0.0.1:3306/shiming").ok());
  EXPECT_EQ(c.database_url, "mysql://u:p@127.0.0.1:3306/shiming");
  ASSERT_TRUE(apply_database_override(c, "sqlite:/tmp/a.db").ok());
  EXPECT_EQ(c.database_url, "sqlite:/tmp/a.db");
  EXPECT_EQ(apply_database_override(c, "oracle:x").error().code, "DATABASE_URL_INVALID");
}

TEST_F(HostConfigTest, PluginConfigValidatedAgainstPluginSchema) {
  auto r = load_host_config(write("plugins:\n  - name: demo\n    config:\n      timeout_ms: 50\n      retries: 2\n"
                                  "  - name: bare\n"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  sdk::ConfigSchema schema;
  schema.fields.push_back({.name = "timeout_ms", .type = sdk::FieldType::integer, .min = 100});
  schema.fields.push_back({.name = "retry", .type = sdk::FieldType::integer, .default_value = 1});
  std::vector<Diagnostic> d;
  auto v = validate_plugin_config(*r, r->plugins[0], schema, d);
  ASSERT_FALSE(v.ok());
  ASSERT_EQ(d.size(), 2u);
  std::string file = (root_ / "config/host.yaml").string();
  EXPECT_EQ(d[0].to_string(), file + ":4:19: value 50 for 'plugins.demo.config.timeout_ms' is out of range: must be at least 100");
  EXPECT_EQ(d[1].to_string(), file + ":5:7: unknown key 'retries' in 'plugins.demo.config'; did you mean 'retry'?");
  d.clear();
  auto bare = validate_plugin_config(*r, r->plugins[1], schema, d);
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ((*bare)["retry"], 1);
}

TEST_F(HostConfigTest, SampleHostYamlLoads) {
  auto r = load_host_config(std::string(SHIMING_SOURCE_DIR) + "/config/host.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->root, fs::path(SHIMING_SOURCE_DIR).lexically_normal().string());
  EXPECT_FALSE(r->plugins.empty());
}

}  // namespace
}  // namespace shiming::rules
