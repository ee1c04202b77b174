// The `authority` step inside real cases: the real shiming-host (libauthority.so loaded from the
// plugin folder) against the real shiming-authority-sim process over mutual TLS on loopback, with
// certificates generated in the set-up (tools/authority_sim/testing/test_pki.h), real SQLite.
//   - an online case while the gateway answers 503 and then is down: "checking, please wait", the
//     job runs again, never rejected; once the gateway is back the case is verified;
//   - a name_mismatch answer reaches the citizen as a reason with advice;
//   - a window counter case runs the authority check whether the window decision is final at
//     once (authprov) or goes to staff review (reviewprov);
//   - no personal data in any log line of the host or the simulator.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "host_process.h"
#include "test_support.h"
#include "testing/test_pki.h"

namespace shiming::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using namespace std::chrono_literals;
const std::string kSource = SHIMING_SOURCE_DIR;
const std::string kWin = "/api/v1/channels/window";
const std::string kMisspelt = "李思海";  // li_'s name one character off the record

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Polls `done` every 50 ms for up to `limit`.
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit = 20s) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return done();
}

// The shiming-authority-sim binary as a child process, its output in a file. The first start
// takes free ports; a restart keeps them (the gateway comes back where the host expects it).
class SimProcess {
 public:
  SimProcess(std::string config, std::string log_file) : config_(std::move(config)), log_file_(std::move(log_file)) {}
  ~SimProcess() { stop(); }

  bool start() {
    std::string binary = std::string(SHIMING_BINARY_DIR) + "/tools/authority_sim/shiming-authority-sim";
    std::vector<std::string> args = {binary, "--config", config_, "--port", std::to_string(port_),
                                     "--admin-port", std::to_string(admin_port_)};
    std::size_t log_start = fs::exists(log_file_) ? fs::file_size(log_file_) : 0;
    pid_ = fork();
    if (pid_ < 0) return false;
    if (pid_ == 0) {
      FILE* f = std::fopen(log_file_.c_str(), "a");
      if (f) {
        dup2(fileno(f), STDOUT_FILENO);
        dup2(fileno(f), STDERR_FILENO);
      }
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(binary.c_str(), argv.data());
      _exit(127);
    }
    static const std::regex kPort(R"re("port":(\d+))re"), kAdmin(R"re("admin_port":(\d+))re");
    return eventually([&] {
      std::string log = slurp(log_file_).substr(log_start);
      auto line_at = log.find("authority simulator listening");
      if (line_at == std::string::npos) return false;
      auto line_start = log.rfind('\n', line_at);
      line_start = line_start == std::string::npos ? 0 : line_start + 1;
      std::string line = log.substr(line_start, log.find('\n', line_at) - line_start);
      std::smatch p, a;
      if (!std::regex_search(line, p, kPort) || !std::regex_search(line, a, kAdmin)) return false;
      port_ = static_cast<unsigned short>(std::stoi(p[1]));
      admin_port_ = static_cast<unsigned short>(std::stoi(a[1]));
      return true;
    }, 30s);
  }

  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  // The admin endpoint (plain HTTP, loopback).
  Json admin(const std::string& method, const std::string& path, const Json& body = nullptr) {
    Api api(admin_port_);
    auto r = body.is_null() ? api.call(method, path) : api.json(method, path, body);
    EXPECT_EQ(r.status, 200) << method << " " << path << ": " << r.body;
    return r.status == 200 ? r.json() : Json();
  }

  unsigned short port() const { return port_; }
  std::string log_text() const { return slurp(log_file_); }

 private:
  std::string config_, log_file_;
  pid_t pid_ = -1;
  unsigned short port_ = 0, admin_port_ = 0;
};

struct Citizen {
  std::string name, id_number, phone, sex;
};

class AuthorityFlow : public ::testing::Test {
 protected:
  void SetUp() override {
    rng_.seed(std::random_device{}());
    root_ = make_temp_dir("authority");
    pki_ = authority_sim::testing::TestPki::create(root_ + "/pki");
    authority_sim::testing::write_file(root_ + "/province.hmac", "authority-flow-signing-key-0123456789\n");
    // Fictitious citizens in the gateway's registry; the window ones have a portrait, the photo
    // the clerk takes at the counter (the simulator compares by SHA-256 here: identical bytes).
    face_ = make_photo(".jpg", 640, 480);
    authority_sim::testing::write_file(root_ + "/portrait.jpg", face_);
    zhang_ = {"张三丰", make_id_number(rng_, "110105", "19900307", 'M'), "13811112222", "M"};
    li_ = {"李四海", make_id_number(rng_, "110105", "19880615", 'F'), "13933334444", "F"};
    wang_ = {"王五岳", make_id_number(rng_, "110105", "19700101", 'M'), "13755556666", "M"};
    zhao_ = {"赵六合", make_id_number(rng_, "110105", "20010911", 'F'), "13677778888", "F"};
    std::string registry = "citizens:\n";
    for (const auto* c : {&zhang_, &li_})
      registry += "  - {id_number: \"" + c->id_number + "\", name: " + c->name + ", status: active}\n";
    for (const auto* c : {&wang_, &zhao_})
      registry += "  - {id_number: \"" + c->id_number + "\", name: " + c->name +
                  ", status: active, portrait: portrait.jpg}\n";
    authority_sim::testing::write_file(root_ + "/registry.yaml", registry);
    authority_sim::testing::write_file(
        root_ + "/sim.yaml",
        "listen: {address: 127.0.0.1, port: 0}\n"
        "admin: {enabled: true, address: 127.0.0.1, port: 0}\n"
        "tls:\n"
        "  cert_file: pki/server.pem\n  key_file: pki/server.key\n  client_ca_file: pki/ca.pem\n"
        "  expired_cert_file: pki/expired-server.pem\n  expired_key_file: pki/expired-server.key\n"
        "registry: registry.yaml\n"
        "photo_comparison: sha256\n"
        "io_threads: 2\n"
        "clients:\n"
        "  - {id: test-province, cert_subject_cn: shiming-test-province, hmac_key_file: province.hmac}\n");
    sim_ = std::make_unique<SimProcess>(root_ + "/sim.yaml", root_ + "/sim.log");
    ASSERT_TRUE(sim_->start()) << sim_->log_text();

    // The host's rules point at that gateway with the generated files.
    ASSERT_EQ(fs::path(pki_.client_cert).filename(), "client.pem");
    ASSERT_EQ(fs::path(pki_.client_key).filename(), "client.key");
    fs::create_directories(root_ + "/config");
    fs::copy(kSource + "/tests/integration/config-authority", root_ + "/config", fs::copy_options::recursive);
    for (const char* p : {"authprov", "reviewprov"}) {
      std::string file = root_ + "/config/provinces/" + p + ".yaml";
      std::string text = slurp(file);
      text = std::regex_replace(text, std::regex("@SIM_PORT@"), std::to_string(sim_->port()));
      text = std::regex_replace(text, std::regex("@PKI@"), root_ + "/pki");
      text = std::regex_replace(text, std::regex("@HMAC_KEY@"), root_ + "/province.hmac");
      std::ofstream(file) << text;
    }
    HostProcessOptions o;
    o.config_file = root_ + "/config/host.yaml";
    host_ = std::make_unique<HostProcess>(o);
    ASSERT_TRUE(host_->start()) << host_->log_text();
    api_ = std::make_unique<Api>(host_->port());
  }

  void TearDown() override {
    if (!host_) return;
    // No personal data in any log line: the host's output, its log file, the gateway's output.
    // Stopped first so that every line is flushed; --data-dir puts the log file in its work dir.
    EXPECT_EQ(host_->stop(), 0) << "a clean stop";
    std::string log_file = slurp(host_->work_dir() + "/shiming.log");
    EXPECT_NE(log_file.find("authority answer"), std::string::npos) << "the authority step logs to the host's file";
    std::string logs = host_->log_text() + log_file + (sim_ ? sim_->log_text() : "");
    for (const auto* c : {&zhang_, &li_, &wang_, &zhao_}) {
      EXPECT_EQ(logs.find(c->id_number), std::string::npos) << "an ID number in a log line";
      EXPECT_EQ(logs.find(c->name), std::string::npos) << "a name in a log line";
      EXPECT_EQ(logs.find(c->phone), std::string::npos) << "a phone number in a log line";
    }
    EXPECT_EQ(logs.find(kMisspelt), std::string::npos) << "a declared name in a log line";
    EXPECT_EQ(logs.find("authority-flow-signing-key"), std::string::npos) << "the signing key in a log line";
  }

  std::string staff_token(const std::string& role, const std::string& province) {
    std::string name = role + "_" + province + "_" + std::to_string(rng_());
    std::string out;
    int rc = run_ctl({"--config", root_ + "/config/host.yaml", "--database", "sqlite:" + host_->work_dir() + "/shiming.db",
                      "user", "add", name, "--province", province, "--role", role},
                     "correct horse battery staple\n", out);
    EXPECT_EQ(rc, 0) << out;
    auto r = api_->json("POST", "/api/v1/auth/login", {{"username", name}, {"password", "correct horse battery staple"}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().value("token", "");
  }

  Json identity(const Citizen& c, const std::string& declared_name = "") {
    return {{"name", declared_name.empty() ? c.name : declared_name}, {"id_number", c.id_number}, {"sex", c.sex},
            {"phone", c.phone}, {"exam_session", "2026-11"}};
  }

  // A citizen opens an online case in authprov, uploads the card and submits; {case, token}.
  std::pair<std::string, std::string> submit_online(const Citizen& c, const std::string& declared_name = "") {
    auto r = api_->json("POST", "/api/v1/provinces/authprov/cases", identity(c, declared_name));
    EXPECT_EQ(r.status, 201) << r.body;
    std::string id = r.json().value("case_id", ""), token = r.json().value("token", "");
    EXPECT_EQ(api_->call("PUT", "/api/v1/cases/" + id + "/documents/id-front", make_photo(), token, "image/jpeg").status, 200);
    EXPECT_EQ(api_->call("PUT", "/api/v1/cases/" + id + "/documents/id-back", make_photo(".png"), token, "image/png").status, 200);
    auto s = api_->call("POST", "/api/v1/cases/" + id + "/submit", "", token);
    EXPECT_EQ(s.status, 202) << s.body;
    return {id, token};
  }

  Json get_case(const std::string& id, const std::string& token) {
    return api_->call("GET", "/api/v1/cases/" + id, "", token).json();
  }

  // The authority finding of the case's latest run, or null.
  static Json authority_finding(const Json& c) {
    for (const auto& f : c.value("findings", Json::array()))
      if (f.value("verifier", "") == "authority") return f;
    return nullptr;
  }

  Json wait_for_status(const std::string& id, const std::string& token, const std::string& want) {
    Json last;
    eventually([&] {
      last = get_case(id, token);
      return last.value("status", "") == want;
    });
    EXPECT_EQ(last.value("status", ""), want) << last.dump();
    return last;
  }

  std::mt19937 rng_;
  std::string root_, face_;
  authority_sim::testing::TestPki pki_;
  Citizen zhang_, li_, wang_, zhao_;
  std::unique_ptr<SimProcess> sim_;
  std::unique_ptr<HostProcess> host_;
  std::unique_ptr<Api> api_;
};

TEST_F(AuthorityFlow, OnlineCaseWaitsWhileTheAuthorityIsDownAndIsVerifiedOnceItIsBack) {
  std::string reviewer = staff_token("reviewer", "authprov");
  sim_->admin("PUT", "/admin/faults", {{"unavailable_share", 1.0}});

  auto [id, token] = submit_online(zhang_);
  // 503 from the gateway: the case shows "checking, please wait" and the job runs again.
  Json seen;
  ASSERT_TRUE(eventually([&] {
    seen = get_case(id, token);
    EXPECT_NE(seen.value("status", ""), "rejected") << seen.dump();
    return sim_->admin("GET", "/admin/stats")["injected"]["unavailable"].get<int>() >= 5;  // > 2 runs of 2 attempts
  })) << seen.dump();
  seen = get_case(id, token);
  EXPECT_EQ(seen["status"], "submitted") << seen.dump();
  EXPECT_EQ(seen["message"], "Checking, please wait.");
  EXPECT_EQ(seen["message_zh"], "正在核验，请稍候。");
  Json f = authority_finding(seen);
  ASSERT_FALSE(f.is_null()) << seen.dump();
  EXPECT_EQ(f["outcome"], "retry");
  ASSERT_FALSE(f["reasons"].empty());
  EXPECT_EQ(f["reasons"][0]["code"], "AUTHORITY_UNAVAILABLE");
  EXPECT_EQ(f["reasons"][0]["message_zh"], "正在与公安部身份证库核验，请稍候。");
  EXPECT_FALSE(f["reasons"][0]["advice_zh"].get<std::string>().empty());
  EXPECT_EQ(f.count("details"), 0u) << "details are for staff";
  EXPECT_EQ(seen.dump().find(zhang_.id_number), std::string::npos);

  // The gateway goes down altogether: still waiting, the job keeps trying (connection refused).
  sim_->stop();
  Json staff_view;
  ASSERT_TRUE(eventually([&] {
    staff_view = get_case(id, reviewer);
    Json sf = authority_finding(staff_view);
    return !sf.is_null() && sf["details"].value("waiting_because", "").find("HTTP 503") == std::string::npos;
  })) << staff_view.dump();
  EXPECT_EQ(staff_view["status"], "submitted");
  EXPECT_EQ(authority_finding(staff_view)["outcome"], "retry");
  EXPECT_EQ(authority_finding(staff_view)["details"]["attempts"], 2);

  // Back, without faults (a restart reads sim.yaml): the next run gets `match` and the case,
  // every step passed under auto_when_all_pass, is verified.
  ASSERT_TRUE(sim_->start()) << sim_->log_text();
  Json done = wait_for_status(id, token, "verified");
  f = authority_finding(done);
  ASSERT_FALSE(f.is_null()) << done.dump();
  EXPECT_EQ(f["outcome"], "pass");
  EXPECT_EQ(authority_finding(get_case(id, reviewer))["details"]["answer"], "match");
  EXPECT_EQ(sim_->admin("GET", "/admin/stats")["answers"]["match"], 1);
}

TEST_F(AuthorityFlow, NameMismatchReachesTheCitizenAsAReasonWithAdvice) {
  auto [id, token] = submit_online(li_, kMisspelt);
  Json done = wait_for_status(id, token, "rejected");
  Json f = authority_finding(done);
  ASSERT_FALSE(f.is_null()) << done.dump();
  EXPECT_EQ(f["outcome"], "fail");
  ASSERT_EQ(f["reasons"].size(), 1u);
  const Json& r = f["reasons"][0];
  EXPECT_EQ(r["code"], "AUTHORITY_NAME_MISMATCH");
  EXPECT_EQ(r["message_zh"], "姓名与公安部身份证库中该身份证号码的登记信息不一致。");
  EXPECT_NE(r["advice_zh"].get<std::string>().find("请按身份证上印制的姓名逐字填写"), std::string::npos);
  EXPECT_NE(r["advice"].get<std::string>().find("exactly as printed on your ID card"), std::string::npos);
  // Nothing personal is echoed back unmasked.
  EXPECT_EQ(done.dump().find(li_.id_number), std::string::npos);
  EXPECT_EQ(done.dump().find(kMisspelt), std::string::npos);
  EXPECT_EQ(sim_->admin("GET", "/admin/stats")["answers"]["name_mismatch"], 1);
}

TEST_F(AuthorityFlow, WindowCaseRunsTheAuthorityCheckWhetherFinalAtOnceOrReviewed) {
  auto counter_case = [&](const std::string& province, const std::string& office, const Citizen& c) {
    std::string clerk = staff_token("clerk", province);
    Json body = identity(c);
    body["channel"] = "window";
    auto opened = api_->json("POST", "/api/v1/provinces/" + province + "/cases", body, clerk);
    EXPECT_EQ(opened.status, 201) << opened.body;
    std::string id = opened.json().value("case_id", "");
    EXPECT_EQ(api_->call("PUT", "/api/v1/cases/" + id + "/documents/id-front", make_photo(), clerk, "image/jpeg").status, 200);
    EXPECT_EQ(api_->call("PUT", "/api/v1/cases/" + id + "/documents/id-back", make_photo(".png"), clerk, "image/png").status, 200);
    auto originals = api_->json("POST", kWin + "/counter/cases/" + id + "/originals",
                                {{"office_id", office}, {"checked", {"id_card"}}}, clerk);
    EXPECT_EQ(originals.status, 200) << originals.body;
    auto face = api_->call("PUT", kWin + "/counter/cases/" + id + "/face", face_, clerk, "image/jpeg");
    EXPECT_EQ(face.status, 200) << face.body;
    auto submitted = api_->call("POST", "/api/v1/cases/" + id + "/submit", "{}", clerk);
    EXPECT_LT(submitted.status, 300) << submitted.body;
    return std::pair{id, clerk};
  };

  // authprov: the clerk's attestation is final at once, after the authority said `match`.
  auto [final_id, clerk] = counter_case("authprov", "auth-hall", wang_);
  Json final_case = wait_for_status(final_id, clerk, "verified");
  Json f = authority_finding(final_case);
  ASSERT_FALSE(f.is_null()) << final_case.dump();
  EXPECT_EQ(f["outcome"], "pass");
  EXPECT_EQ(f["details"]["answer"], "match");
  EXPECT_EQ(f["details"]["photo_sent"], true);  // the counter photo went to the comparison
  EXPECT_DOUBLE_EQ(f["score"].get<double>(), 1.0);

  // reviewprov: the window case goes to staff review, with the authority's answer before them.
  auto [review_id, review_clerk] = counter_case("reviewprov", "review-hall", zhao_);
  Json reviewed = wait_for_status(review_id, review_clerk, "pending_review");
  f = authority_finding(reviewed);
  ASSERT_FALSE(f.is_null()) << reviewed.dump();
  EXPECT_EQ(f["outcome"], "pass");
  EXPECT_EQ(f["details"]["answer"], "match");

  auto stats = sim_->admin("GET", "/admin/stats");
  EXPECT_EQ(stats["answers"]["match"], 2);
  EXPECT_EQ(stats["refused"], 0);
}

}  // namespace
}  // namespace shiming::testing
