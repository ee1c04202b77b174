// Operating the host: start-up errors, rules reload (API and SIGHUP), the
// documented routes, metrics, audit verification, an out-of-tree plugin.
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <yaml-cpp/yaml.h>

#include "host_process.h"
#include "shiming/sdk/version.h"
#include "test_support.h"

namespace shiming::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

const std::string kSource = SHIMING_SOURCE_DIR;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

// A private copy of the integration config: <dir>/config/host.yaml and provinces.
struct ConfigCopy {
  explicit ConfigCopy(const std::string& plugins_yaml = "  - name: id_number\n  - name: online\n") {
    root = make_temp_dir("cfg");
    fs::create_directories(root + "/config");
    fs::copy(kSource + "/tests/integration/config/provinces", root + "/config/provinces",
             fs::copy_options::recursive);
    std::string host = slurp(kSource + "/tests/integration/config/host.yaml");
    host = std::regex_replace(host, std::regex("plugins:\\n(  - name: .*\\n)+"), "plugins:\n" + plugins_yaml);
    write(root + "/config/host.yaml", host);
  }
  std::string host_yaml() const { return root + "/config/host.yaml"; }
  std::string province(const std::string& code) const { return root + "/config/provinces/" + code + ".yaml"; }
  std::string root;
};

std::string start_failure(const std::string& config) {
  HostProcessOptions o;
  o.config_file = config;
  HostProcess host(o);
  EXPECT_FALSE(host.start());
  return host.log_text();
}

TEST(HostStartup, MissingPluginIsOneClearLineAndANonZeroExit) {
  ConfigCopy cfg("  - name: id_number\n  - name: online\n  - name: no_such_plugin\n");
  std::string log = start_failure(cfg.host_yaml());
  EXPECT_NE(log.find("shiming-host: plugin "), std::string::npos) << log;
  EXPECT_NE(log.find("libno_such_plugin.so: file not found"), std::string::npos) << log;
}

TEST(HostStartup, OptionalPluginThatFailsIsSkipped) {
  ConfigCopy cfg("  - name: id_number\n  - name: online\n  - name: no_such_plugin\n    optional: true\n");
  HostProcessOptions o;
  o.config_file = cfg.host_yaml();
  HostProcess host(o);
  ASSERT_TRUE(host.start()) << host.log_text();
  EXPECT_NE(host.log_text().find("optional plugin not loaded"), std::string::npos);
  EXPECT_EQ(host.stop(), 0);  // SIGTERM: graceful, exit 0
}

TEST(HostStartup, RuleNamingAPluginThatIsNotLoadedIsAStartUpError) {
  ConfigCopy cfg;
  std::string p = slurp(cfg.province("testprov"));
  write(cfg.province("testprov"), p + "channels:\n  online:\n    pipeline:\n      - verifier: face_magic\n");
  std::string log = start_failure(cfg.host_yaml());
  EXPECT_NE(log.find("testprov.yaml:"), std::string::npos) << log;
  EXPECT_NE(log.find("face_magic"), std::string::npos) << log;
}

TEST(HostStartup, BadHostConfigNamesFileLineAndColumn) {
  ConfigCopy cfg;
  write(cfg.host_yaml(), slurp(cfg.host_yaml()) + "worker_thread: 3\n");
  std::string log = start_failure(cfg.host_yaml());
  EXPECT_NE(log.find("host.yaml:"), std::string::npos) << log;
  EXPECT_NE(log.find("worker_threads"), std::string::npos) << log;  // the "did you mean" hint
}

class RunningHost : public ::testing::Test {
 protected:
  void SetUp() override {
    HostProcessOptions o;
    o.config_file = cfg_.host_yaml();
    host_ = std::make_unique<HostProcess>(o);
    ASSERT_TRUE(host_->start()) << host_->log_text();
    api_ = std::make_unique<Api>(host_->port());
  }
  std::string admin_token(const std::string& province = "testprov") {
    std::string name = "admin" + std::to_string(std::random_device{}());
    std::string out;
    EXPECT_EQ(run_ctl({"--config", cfg_.host_yaml(), "--database", "sqlite:" + host_->work_dir() + "/shiming.db",
                       "user", "add", name, "--province", province, "--role", "admin"},
                      "a-long-admin-password\n", out), 0) << out;
    auto r = api_->json("POST", "/api/v1/auth/login", {{"username", name}, {"password", "a-long-admin-password"}});
    return r.json().value("token", "");
  }
  ConfigCopy cfg_;
  std::unique_ptr<HostProcess> host_;
  std::unique_ptr<Api> api_;
};

TEST_F(RunningHost, RulesReloadValidatesFirstAndKeepsOldRulesOnError) {
  std::string admin = admin_token();
  EXPECT_EQ(api_->call("POST", "/api/v1/admin/rules/reload").status, 401);
  auto first = api_->call("POST", "/api/v1/admin/rules/reload", "", admin);
  ASSERT_EQ(first.status, 200) << first.body;
  auto generation = first.json()["generation"].get<int>();

  // Break a province: an unknown key and a bad date, both reported with positions.
  std::string good = slurp(cfg_.province("autoprov"));
  write(cfg_.province("autoprov"), good + "sla_workdays: 2\n");
  std::string broken = std::regex_replace(slurp(cfg_.province("autoprov")), std::regex("exam_date: 2031-03-01"),
                                          "exam_date: 2031-02-30");
  write(cfg_.province("autoprov"), broken);
  auto bad = api_->call("POST", "/api/v1/admin/rules/reload", "", admin);
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(error_code(bad), "RULES_INVALID");
  auto diags = bad.json()["error"]["diagnostics"];
  ASSERT_GE(diags.size(), 2u) << bad.body;
  EXPECT_GT(diags[0]["line"].get<int>(), 0);
  // The old rules are still served.
  EXPECT_EQ(api_->call("GET", "/api/v1/provinces/autoprov/sessions").status, 200);
  auto rules = api_->call("GET", "/api/v1/provinces/testprov/rules", "", admin);
  ASSERT_EQ(rules.status, 200);
  EXPECT_EQ(rules.json()["generation"], generation);

  // SIGHUP with the fix in place swaps the new rules in.
  write(cfg_.province("autoprov"), good);
  ::kill(host_->pid(), SIGHUP);
  for (int i = 0; i < 100; ++i) {
    if (api_->call("GET", "/api/v1/provinces/testprov/rules", "", admin).json()["generation"] == generation + 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(api_->call("GET", "/api/v1/provinces/testprov/rules", "", admin).json()["generation"], generation + 1);
}

TEST_F(RunningHost, EffectiveRulesAreForAdminsOfThatProvinceOnly) {
  std::string admin = admin_token("testprov");
  auto mine = api_->call("GET", "/api/v1/provinces/testprov/rules", "", admin);
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(mine.json()["rules"]["channels"]["online"]["review_policy"], "manual");
  EXPECT_EQ(api_->call("GET", "/api/v1/provinces/autoprov/rules", "", admin).status, 404);
  auto plugins = api_->call("GET", "/api/v1/plugins", "", admin);
  ASSERT_EQ(plugins.status, 200);
  EXPECT_EQ(plugins.json()["plugins"].size(), 2u);
  EXPECT_EQ(plugins.json()["plugins"][0]["sdk"],
            std::to_string(SHIMING_SDK_VERSION_MAJOR) + "." + std::to_string(SHIMING_SDK_VERSION_MINOR));
  EXPECT_EQ(api_->call("GET", "/api/v1/plugins").status, 401);
}

TEST_F(RunningHost, MetricsInPrometheusFormat) {
  api_->call("GET", "/healthz");
  api_->call("GET", "/api/v1/nope");
  auto m = api_->call("GET", "/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.header("Content-Type").find("text/plain"), std::string::npos);
  EXPECT_NE(m.body.find("shiming_job_queue_depth"), std::string::npos) << m.body;
  EXPECT_NE(m.body.find("/healthz"), std::string::npos);
  EXPECT_NE(m.body.find("_bucket{"), std::string::npos);
}

TEST_F(RunningHost, AuditVerifyDetectsAnEditedAndADeletedRecord) {
  std::mt19937 rng(7);
  for (int i = 0; i < 3; ++i) {
    auto r = api_->json("POST", "/api/v1/provinces/testprov/cases",
                        {{"name", "李四"}, {"id_number", make_id_number(rng)}, {"sex", "M"},
                         {"phone", "13900000000"}, {"exam_session", "2026-11"}});
    ASSERT_EQ(r.status, 201);
  }
  std::string db = host_->work_dir() + "/shiming.db";
  std::vector<std::string> ctl = {"--config", cfg_.host_yaml(), "--database", "sqlite:" + db, "audit", "verify", "--json"};
  std::string out;
  ASSERT_EQ(run_ctl(ctl, "", out), 0) << out;
  EXPECT_EQ(Json::parse(out)["checked"], 3);
  host_->stop();

  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(h, "UPDATE audit_log SET reason = 'attempt 9' WHERE seq = 2", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_EQ(run_ctl(ctl, "", out), 1);
  EXPECT_EQ(Json::parse(out)["first_broken_seq"], 2) << out;
  ASSERT_EQ(sqlite3_exec(h, "UPDATE audit_log SET reason = 'attempt 1' WHERE seq = 2", nullptr, nullptr, nullptr), SQLITE_OK);
  ASSERT_EQ(run_ctl(ctl, "", out), 0) << out;
  ASSERT_EQ(sqlite3_exec(h, "DELETE FROM audit_log WHERE seq = 2", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_EQ(run_ctl(ctl, "", out), 1) << out;
  sqlite3_close(h);
}

TEST_F(RunningHost, DeadlineExpiresEveryCaseNotVerifiedOnce) {
  std::mt19937 rng(23);
  auto open = [&] {
    auto r = api_->json("POST", "/api/v1/provinces/testprov/cases",
                        {{"name", "赵六"}, {"id_number", make_id_number(rng)}, {"sex", "M"},
                         {"phone", "13900000001"}, {"exam_session", "2026-11"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return std::pair<std::string, std::string>{r.json()["case_id"], r.json()["token"]};
  };
  auto submit = [&](const std::pair<std::string, std::string>& c) {
    api_->call("PUT", "/api/v1/cases/" + c.first + "/documents/id-front", make_photo(), c.second, "image/jpeg");
    api_->call("PUT", "/api/v1/cases/" + c.first + "/documents/id-back", make_photo(), c.second, "image/jpeg");
    EXPECT_EQ(api_->call("POST", "/api/v1/cases/" + c.first + "/submit", "", c.second).status, 202);
  };
  auto status = [&](const std::pair<std::string, std::string>& c) {
    return api_->call("GET", "/api/v1/cases/" + c.first, "", c.second).json().value("status", "");
  };
  auto verified = open(), waiting = open(), idle = open();
  submit(verified);
  submit(waiting);
  for (int i = 0; i < 200 && (status(verified) != "pending_review" || status(waiting) != "pending_review"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::string admin = admin_token();
  std::string name = "rev" + std::to_string(rng());
  std::string out;
  ASSERT_EQ(run_ctl({"--config", cfg_.host_yaml(), "--database", "sqlite:" + host_->work_dir() + "/shiming.db",
                     "user", "add", name, "--province", "testprov", "--role", "reviewer"}, "a-long-password-2\n", out), 0);
  std::string reviewer = api_->json("POST", "/api/v1/auth/login", {{"username", name}, {"password", "a-long-password-2"}}).json()["token"];
  ASSERT_EQ(api_->json("POST", "/api/v1/review/" + verified.first + "/decision", {{"decision", "approve"}}, reviewer).status, 200);

  // The office moves the deadline into the past (as time passing would).
  std::string p = slurp(cfg_.province("testprov"));
  p = std::regex_replace(p, std::regex("verification_deadline: 2030-12-24T17:00:00\\+08:00"),
                         "verification_deadline: 2026-01-05T17:00:00+08:00");
  p = std::regex_replace(p, std::regex("registration_close: 2030-12-20T17:00:00\\+08:00"),
                         "registration_close: 2026-01-04T17:00:00+08:00");
  write(cfg_.province("testprov"), p);
  ASSERT_EQ(api_->call("POST", "/api/v1/admin/rules/reload", "", admin).status, 200);
  for (int i = 0; i < 300 && (status(waiting) != "expired" || status(idle) != "expired"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(status(waiting), "expired");
  EXPECT_EQ(status(idle), "expired");
  EXPECT_EQ(status(verified), "verified");
  // Exactly one expiry record per case in the audit trail.
  auto trail = api_->call("GET", "/api/v1/review/" + waiting.first, "", reviewer).json()["audit"];
  int expiries = 0;
  for (const auto& a : trail) expiries += a["to"] == "expired" && a["from"] != "expired";
  EXPECT_EQ(expiries, 1) << trail.dump();
  // And nobody can open a case for that session any more.
  auto late = api_->json("POST", "/api/v1/provinces/testprov/cases",
                         {{"name", "钱七"}, {"id_number", make_id_number(rng)}, {"sex", "M"},
                          {"phone", "13900000002"}, {"exam_session", "2026-11"}});
  EXPECT_EQ(late.status, 409);
  EXPECT_EQ(error_code(late), "VERIFICATION_CLOSED");
}

TEST(Routes, EveryRegisteredRouteIsInTheOpenApiDocument) {
  std::string out;
  // The host with every plugin the sample config loads, printing its routes.
  std::string binary = std::string(SHIMING_BINARY_DIR) + "/host/app/shiming-host";
  std::string work = make_temp_dir("routes");
  std::string cmd = binary + " --config " + kSource + "/config/host.yaml --plugin-dir " + SHIMING_PLUGIN_DIR +
                    " --database sqlite:" + work + "/r.db --data-dir " + work + " --print-routes 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ASSERT_EQ(pclose(p), 0) << out;
  auto routes = Json::parse(out);
  ASSERT_GT(routes.size(), 10u);
  YAML::Node doc = YAML::LoadFile(kSource + "/docs/openapi.yaml");
  for (const auto& r : routes) {
    std::string path = r["path"], method = r["method"];
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    ASSERT_TRUE(doc["paths"][path].IsDefined()) << "docs/openapi.yaml lacks the path " << path;
    EXPECT_TRUE(doc["paths"][path][method].IsDefined()) << "docs/openapi.yaml lacks " << method << " " << path;
  }
}

TEST(Sdk, SkeletonPluginBuiltOutOfTreeIsLoadedAndRuns) {
  const char* so = std::getenv("SHIMING_SKELETON_PLUGIN");
  if (!so) GTEST_SKIP() << "SHIMING_SKELETON_PLUGIN is set by scripts/test.sh after building templates/plugin";
  ConfigCopy cfg("  - name: id_number\n  - name: online\n  - name: phone_number\n    file: " + std::string(so) + "\n");
  write(cfg.province("testprov"), slurp(cfg.province("testprov")) +
                                      "channels:\n  online:\n    pipeline:\n      - verifier: id_number\n"
                                      "      - verifier: phone_number\n        params: {allow_landline: false}\n");
  HostProcessOptions o;
  o.config_file = cfg.host_yaml();
  HostProcess host(o);
  ASSERT_TRUE(host.start()) << host.log_text();
  Api api(host.port());
  std::mt19937 rng(11);
  auto r = api.json("POST", "/api/v1/provinces/testprov/cases",
                    {{"name", "王五"}, {"id_number", make_id_number(rng)}, {"sex", "M"},
                     {"phone", "010-1234567"}, {"exam_session", "2026-11"}});
  ASSERT_EQ(r.status, 201) << r.body;
  std::string id = r.json()["case_id"], token = r.json()["token"];
  api.call("PUT", "/api/v1/cases/" + id + "/documents/id-front", make_photo(), token, "image/jpeg");
  api.call("PUT", "/api/v1/cases/" + id + "/documents/id-back", make_photo(), token, "image/jpeg");
  ASSERT_EQ(api.call("POST", "/api/v1/cases/" + id + "/submit", "", token).status, 202);
  Json seen = Json::object();
  for (int i = 0; i < 200 && seen.value("status", "") != "rejected"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    seen = api.call("GET", "/api/v1/cases/" + id, "", token).json();
  }
  ASSERT_EQ(seen["status"], "rejected") << seen.dump();
  EXPECT_EQ(seen["findings"][1]["verifier"], "phone_number");
  EXPECT_EQ(seen["findings"][1]["reasons"][0]["code"], "PHONE_INVALID");
}

TEST(Sdk, SkeletonUnitTestPasses) {
  const char* test = std::getenv("SHIMING_SKELETON_TEST");
  if (!test) GTEST_SKIP() << "SHIMING_SKELETON_TEST is set by scripts/test.sh";
  EXPECT_EQ(std::system(test), 0);
}

}  // namespace
}  // namespace shiming::testing
