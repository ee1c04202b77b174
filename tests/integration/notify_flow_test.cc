// Notifications end to end: the real shiming-host with the outbox_file and
// smtp notifier plugins loaded from their .so files, a real SMTP receiver on
// loopback (Python aiosmtpd, tests/integration/smtp_receiver.py), real HTTP.
// A case is opened, submitted and approved; the receiver gets the mails (the
// zh-CN subject decoded by Python's email package) and the JSONL file has the
// events; deadline warnings go out once per case even with two hosts on one
// database; a case past its deadline gets the expiry notice; an SMTP server
// that is down is retried later (also across a host restart) and requests do
// not wait for it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
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

namespace shiming::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using namespace std::chrono_literals;

const std::string kSource = SHIMING_SOURCE_DIR;

unsigned short free_port() {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  close(s);
  return ntohs(a.sin_port);
}

// "2026-11-29T08:00:00+08:00" for now + offset, in Beijing time.
std::string beijing(std::chrono::system_clock::time_point t) {
  auto local = std::chrono::floor<std::chrono::seconds>(t + 8h);
  auto day = std::chrono::floor<std::chrono::days>(local);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss hms{local - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d+08:00", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::string beijing_date(std::chrono::system_clock::time_point t) { return beijing(t).substr(0, 10); }

// The real SMTP receiver, a child process.
class SmtpReceiver {
 public:
  SmtpReceiver(unsigned short port, std::string dir) : port_(port), dir_(std::move(dir)) {}
  ~SmtpReceiver() { stop(); }
  bool start() {
    fs::create_directories(dir_);
    fs::remove(dir_ + "/ready");
    std::string script = kSource + "/tests/integration/smtp_receiver.py";
    std::string port = std::to_string(port_);
    pid_ = fork();
    if (pid_ == 0) {
      execl("/usr/bin/python3", "python3", script.c_str(), port.c_str(), dir_.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 300; ++i) {
      if (fs::exists(dir_ + "/ready")) return true;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  // Every message received so far, as decoded by the receiver.
  std::vector<Json> messages() const {
    std::vector<Json> out;
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir_, ec))
      if (e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      auto j = Json::parse(slurp(f), nullptr, false);
      if (!j.is_discarded()) out.push_back(j);
    }
    return out;
  }
  std::vector<Json> messages_to(const std::string& address) const {
    std::vector<Json> out;
    for (auto& m : messages())
      if (m["to"].size() == 1 && m["to"][0] == address) out.push_back(m);
    return out;
  }

 private:
  unsigned short port_;
  std::string dir_;
  pid_t pid_ = -1;
};

std::vector<Json> jsonl(const std::string& path) {
  std::vector<Json> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(Json::parse(line));
  return out;
}

class NotifyFlow : public ::testing::Test {
 protected:
  void SetUp() override {
    rng_.seed(std::random_device{}());
    smtp_port_ = free_port();
    root_ = make_temp_dir("notifycfg");
    fs::create_directories(root_ + "/config");
    fs::copy(kSource + "/tests/integration/config-notify", root_ + "/config", fs::copy_options::recursive);
    auto now = std::chrono::system_clock::now();
    auto soon = now + 50h;   // the 3-day reminder is due, the 1-day one not yet
    auto closing = now + 20s;  // cases of this session expire during the test
    std::map<std::string, std::string> values = {
        {"@SMTP_PORT@", std::to_string(smtp_port_)},
        {"@SOON_CLOSE@", beijing(soon - 1h)},
        {"@SOON_DEADLINE@", beijing(soon)},
        {"@SOON_EXAM@", beijing_date(soon + 24h * 30)},
        {"@NOW_CLOSE@", beijing(now - 24h)},
        {"@NOW_DEADLINE@", beijing(closing)},
        {"@NOW_EXAM@", beijing_date(closing + 24h * 30)},
    };
    for (const char* f : {"/config/host.yaml", "/config/provinces/notifyprov.yaml"}) {
      std::string text = slurp(root_ + f);
      for (const auto& [k, v] : values) text = std::regex_replace(text, std::regex(k), v);
      std::ofstream(root_ + f) << text;
    }
    closing_ = closing;
  }

  std::unique_ptr<HostProcess> start_host(const std::string& database = {}, const std::string& data_dir = {}) {
    auto host = make_host(root_ + "/config/host.yaml", database,
                          data_dir.empty() ? std::vector<std::string>{} : std::vector<std::string>{"--data-dir", data_dir});
    EXPECT_TRUE(host->start()) << host->log_text();
    return host;
  }

  std::string staff_token(Api& api, const std::string& db_url, const std::string& role) {
    std::string out;
    std::string name = add_staff(root_ + "/config/host.yaml", db_url, "notifyprov", role, rng_, &out);
    EXPECT_FALSE(name.empty()) << out;
    std::string token = login(api, name);
    EXPECT_FALSE(token.empty()) << name;
    return token;
  }

  // Opens a case with an e-mail address; returns {case id, token}.
  std::pair<std::string, std::string> open_case(Api& api, const std::string& session, const std::string& email) {
    Json body = {{"name", "张三丰"}, {"id_number", make_id_number(rng_)}, {"sex", "M"},
                 {"phone", "13812345678"}, {"exam_session", session}, {"email", email}};
    auto r = api.json("POST", "/api/v1/provinces/notifyprov/cases", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return {r.json().value("case_id", ""), r.json().value("token", "")};
  }

  void upload_and_submit(Api& api, const std::string& id, const std::string& token) {
    EXPECT_EQ(api.call("PUT", "/api/v1/cases/" + id + "/documents/id-front", make_photo(), token, "image/jpeg").status, 200);
    EXPECT_EQ(api.call("PUT", "/api/v1/cases/" + id + "/documents/id-back", make_photo(".png"), token, "image/png").status, 200);
    auto s = api.call("POST", "/api/v1/cases/" + id + "/submit", "", token);
    EXPECT_EQ(s.status, 202) << s.body;
  }

  bool wait_status(Api& api, const std::string& id, const std::string& token, const std::string& want) {
    return eventually([&] { return api.call("GET", "/api/v1/cases/" + id, "", token).json().value("status", "") == want; });
  }

  static std::vector<Json> events_of(const std::vector<Json>& lines, const std::string& case_id) {
    std::vector<Json> out;
    for (const auto& l : lines)
      if (l["case_id"] == case_id) out.push_back(l);
    return out;
  }

  std::mt19937 rng_;
  unsigned short smtp_port_ = 0;
  std::string root_;
  std::chrono::system_clock::time_point closing_;
};

TEST_F(NotifyFlow, StatusChangesWarningsAndExpiryReachTheMailboxAndTheJsonlFileOnce) {
  SmtpReceiver smtp(smtp_port_, root_ + "/mail");
  ASSERT_TRUE(smtp.start()) << "python3-aiosmtpd is needed (packaging/debian-packages.txt)";
  std::string data = make_temp_dir("notifydata");
  std::string db = "sqlite:" + data + "/shiming.db";
  // Two hosts on one database and one data directory (one keyring).
  auto host = start_host(db, data);
  ASSERT_TRUE(host && host->port());
  auto second = start_host(db, data);
  ASSERT_TRUE(second && second->port());
  Api api(host->port());

  // A citizen opens, submits; the pipeline sends it to review; a reviewer approves.
  auto [a, a_token] = open_case(api, "2026-11", "candidate.a@example.cn");
  auto [b, b_token] = open_case(api, "soon", "candidate.b@example.cn");
  auto [c, c_token] = open_case(api, "now", "candidate.c@example.cn");
  upload_and_submit(api, a, a_token);
  ASSERT_TRUE(wait_status(api, a, a_token, "pending_review"));
  std::string reviewer = staff_token(api, db, "reviewer");
  auto approved = api.json("POST", "/api/v1/review/" + a + "/decision", {{"decision", "approve"}}, reviewer);
  ASSERT_EQ(approved.status, 200) << approved.body;

  // Case a: submitted, pending_review, verified.
  ASSERT_TRUE(eventually([&] { return smtp.messages_to("candidate.a@example.cn").size() >= 3; }))
      << smtp.messages().size() << " messages; log: " << host->log_text();
  auto mails = smtp.messages_to("candidate.a@example.cn");
  std::vector<std::string> subjects;
  for (const auto& m : mails) subjects.push_back(m["subject"]);
  std::sort(subjects.begin(), subjects.end());
  EXPECT_EQ(subjects, (std::vector<std::string>{"【测试省软考办】实名认证状态更新：已实名",
                                                "【测试省软考办】实名认证状态更新：待审核",
                                                "【测试省软考办】实名认证状态更新：核验中"}))
      << Json(subjects).dump();
  for (const auto& m : mails) {
    EXPECT_EQ(m["from"], "noreply@ruankao.example");
    EXPECT_NE(m["header_from"].get<std::string>().find("测试省软考办"), std::string::npos);
    std::string body = m["body"];
    EXPECT_NE(body.find("张**，您好"), std::string::npos) << body;
    EXPECT_NE(body.find("Dear 张**"), std::string::npos) << body;
    EXPECT_EQ(body.find("张三丰"), std::string::npos) << "clear name in a mail";
    EXPECT_NE(body.find(a), std::string::npos);
  }

  // Case b: the 3-day reminder (the deadline is 50 hours away), once, although two hosts sweep.
  ASSERT_TRUE(eventually([&] { return !smtp.messages_to("candidate.b@example.cn").empty(); }));
  // Case c: a reminder, then the expiry notice at the deadline.
  ASSERT_TRUE(eventually([&] { return smtp.messages_to("candidate.c@example.cn").size() >= 2; }, 60s))
      << host->log_text();
  EXPECT_TRUE(wait_status(api, c, c_token, "expired"));
  std::this_thread::sleep_for(3s);  // several more sweeps of both hosts
  auto b_mails = smtp.messages_to("candidate.b@example.cn");
  ASSERT_EQ(b_mails.size(), 1u);
  EXPECT_EQ(b_mails[0]["subject"], "【测试省软考办】实名认证将于3天后截止") << b_mails[0].dump();
  EXPECT_NE(b_mails[0]["body"].get<std::string>().find("即将截止的考试"), std::string::npos);
  auto c_mails = smtp.messages_to("candidate.c@example.cn");
  ASSERT_EQ(c_mails.size(), 2u);
  std::vector<std::string> c_subjects = {c_mails[0]["subject"], c_mails[1]["subject"]};
  std::sort(c_subjects.begin(), c_subjects.end());
  EXPECT_EQ(c_subjects, (std::vector<std::string>{"【测试省软考办】实名认证将于1天后截止",
                                                  "【测试省软考办】实名认证已截止，您未完成认证"}));

  // The JSONL file of the shared data directory: the same events, each once, contacts masked.
  auto lines = jsonl(data + "/notifications/outbox.jsonl");
  auto la = events_of(lines, a), lb = events_of(lines, b), lc = events_of(lines, c);
  ASSERT_EQ(la.size(), 3u);
  for (const auto& l : la) {
    EXPECT_EQ(l["event"], "status_changed");
    EXPECT_EQ(l["email"], "c***@example.cn");
    EXPECT_EQ(l["phone"], "138****5678");
  }
  ASSERT_EQ(lb.size(), 1u);
  EXPECT_EQ(lb[0]["event"], "deadline_warning");
  EXPECT_EQ(lb[0]["data"]["warning_days"], 3);
  ASSERT_EQ(lc.size(), 2u);
  std::set<std::string> c_events = {lc[0]["event"], lc[1]["event"]};
  EXPECT_EQ(c_events, (std::set<std::string>{"deadline_warning", "expired"}));
  std::string file = slurp(data + "/notifications/outbox.jsonl");
  EXPECT_EQ(file.find("candidate.a@"), std::string::npos);
  EXPECT_EQ(file.find("13812345678"), std::string::npos);
}

// Counts outbox rows of a notifier by state, straight from the SQLite file.
std::map<std::string, int> outbox_states(const std::string& db_file, const std::string& notifier, int* max_attempts,
                                         std::string* last_error) {
  std::map<std::string, int> out;
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(db_file.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return out;
  sqlite3_busy_timeout(h, 5000);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(h, "SELECT state, attempts, COALESCE(last_error, '') FROM notification_outbox WHERE notifier = ?",
                     -1, &st, nullptr);
  sqlite3_bind_text(st, 1, notifier.c_str(), -1, SQLITE_TRANSIENT);
  while (sqlite3_step(st) == SQLITE_ROW) {
    ++out[reinterpret_cast<const char*>(sqlite3_column_text(st, 0))];
    if (max_attempts) *max_attempts = std::max(*max_attempts, sqlite3_column_int(st, 1));
    if (last_error) *last_error = reinterpret_cast<const char*>(sqlite3_column_text(st, 2));
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return out;
}

TEST_F(NotifyFlow, SmtpDownIsRetriedLaterAcrossARestartAndRequestsDoNotWait) {
  std::string data = make_temp_dir("notifydown");
  std::string db_file = data + "/shiming.db";
  std::string db = "sqlite:" + db_file;
  auto host = start_host(db, data);
  ASSERT_TRUE(host && host->port());
  Api api(host->port());
  // Nothing listens on the SMTP port: every request still answers at once.
  auto [id, token] = open_case(api, "2026-11", "candidate.d@example.cn");
  upload_and_submit(api, id, token);
  ASSERT_TRUE(wait_status(api, id, token, "pending_review"));
  // The local outbox file is not held up by the mail server.
  ASSERT_TRUE(eventually([&] { return events_of(jsonl(data + "/notifications/outbox.jsonl"), id).size() == 2; }));
  int attempts = 0;
  std::string last_error;
  ASSERT_TRUE(eventually([&] {
    attempts = 0;
    auto states = outbox_states(db_file, "smtp", &attempts, &last_error);
    return states["pending"] + states["sending"] == 2 && attempts >= 2;
  })) << "smtp rows were not retried; last error: " << last_error;
  EXPECT_NE(last_error.find("SMTP_UNAVAILABLE"), std::string::npos) << last_error;
  auto metrics = api.call("GET", "/metrics").body;
  EXPECT_NE(metrics.find("shiming_notifications_pending 2"), std::string::npos) << metrics;

  // The host stops with mail undelivered; the server comes back; a new host sends it.
  EXPECT_EQ(host->stop(), 0);
  SmtpReceiver smtp(smtp_port_, root_ + "/mail-late");
  ASSERT_TRUE(smtp.start());
  auto again = start_host(db, data);
  ASSERT_TRUE(again && again->port());
  ASSERT_TRUE(eventually([&] { return smtp.messages_to("candidate.d@example.cn").size() >= 2; }))
      << again->log_text();
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(smtp.messages_to("candidate.d@example.cn").size(), 2u);
  auto states = outbox_states(db_file, "smtp", nullptr, nullptr);
  EXPECT_EQ(states["sent"], 2);
}

}  // namespace
}  // namespace shiming::testing
