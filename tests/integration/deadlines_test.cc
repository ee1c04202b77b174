// The settable test clock and deadlines, end to end: the real shiming-host
// with host.yaml `testing: {settable_clock: true}` (accepted only with
// --allow-testing), an admin moving the clock over HTTP, and the case
// service and the deadline sweeper following that clock.
#include <chrono>
#include <cstdlib>
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

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool eventually(const std::function<bool()>& ok, std::chrono::milliseconds limit = 30s) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (ok()) return true;
    std::this_thread::sleep_for(100ms);
  }
  return ok();
}

class Deadlines : public ::testing::Test {
 protected:
  void SetUp() override {
    rng_.seed(std::random_device{}());
    root_ = make_temp_dir("deadlines");
    fs::copy(kSource + "/tests/integration/config-deadlines", root_ + "/config", fs::copy_options::recursive);
    // The same configuration without the testing: block (a production host).
    std::string text = slurp(root_ + "/config/host.yaml");
    text = std::regex_replace(text, std::regex("testing:\\n  settable_clock: true\\n"), "");
    fs::create_directories(root_ + "/plain/config");
    fs::copy(root_ + "/config/provinces", root_ + "/plain/config/provinces", fs::copy_options::recursive);
    std::ofstream(root_ + "/plain/config/host.yaml") << text;
  }

  std::unique_ptr<HostProcess> start_host(const std::string& config, std::vector<std::string> args,
                                          const std::string& database = {}) {
    HostProcessOptions o;
    o.config_file = config;
    o.database_url = database;
    o.extra_args = std::move(args);
    return std::make_unique<HostProcess>(o);
  }

  // Adds a staff user; returns the user name.
  std::string add_staff(const std::string& config, const std::string& db_url, const std::string& role) {
    std::string name = role + "_" + std::to_string(rng_());
    std::string out;
    int rc = run_ctl({"--config", config, "--database", db_url, "user", "add", name, "--province", "clockprov",
                      "--role", role},
                     "correct horse battery staple\n", out);
    EXPECT_EQ(rc, 0) << out;
    return name;
  }
  // Signs in (a token lives 8 hours of the host's clock: sign in again after moving it).
  std::string login(Api& api, const std::string& name) {
    auto r = api.json("POST", "/api/v1/auth/login", {{"username", name}, {"password", "correct horse battery staple"}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().value("token", "");
  }

  http::testing::ClientResponse open_case(Api& api) {
    Json body = {{"name", "李四"}, {"id_number", make_id_number(rng_)}, {"sex", "M"},
                 {"phone", "13812345678"}, {"exam_session", "2027-05"}};
    return api.json("POST", "/api/v1/provinces/clockprov/cases", body);
  }

  std::mt19937 rng_;
  std::string root_;
};

TEST_F(Deadlines, TestingBlockNeedsAllowTestingToStart) {
  auto host = start_host(root_ + "/config/host.yaml", {});
  EXPECT_FALSE(host->start());
  std::string log = host->log_text();
  EXPECT_NE(log.find("testing.settable_clock"), std::string::npos) << log;
  EXPECT_NE(log.find("--allow-testing"), std::string::npos) << log;
}

TEST_F(Deadlines, ProductionHostHasNoSettableClock) {
  std::string data = make_temp_dir("deadlines_plain");
  std::string db = "sqlite:" + data + "/shiming.db";
  auto host = start_host(root_ + "/plain/config/host.yaml", {}, db);
  ASSERT_TRUE(host->start()) << host->log_text();
  Api api(host->port());
  std::string admin = login(api, add_staff(root_ + "/plain/config/host.yaml", db, "admin"));
  auto r = api.json("PUT", "/api/v1/testing/clock", {{"advance_seconds", 3600}}, admin);
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(error_code(r), "TESTING_DISABLED");
  EXPECT_EQ(error_code(api.call("GET", "/api/v1/testing/clock", "", admin)), "TESTING_DISABLED");
}

TEST_F(Deadlines, AdminMovesTheClockAndDeadlinesFollowIt) {
  std::string data = make_temp_dir("deadlines_data");
  std::string db = "sqlite:" + data + "/shiming.db";
  std::string config = root_ + "/config/host.yaml";
  auto host = start_host(config, {"--allow-testing"}, db);
  ASSERT_TRUE(host->start()) << host->log_text();
  Api api(host->port());
  std::string admin_name = add_staff(config, db, "admin");
  std::string admin = login(api, admin_name);
  std::string reviewer = login(api, add_staff(config, db, "reviewer"));

  // Only admins move the clock; bad bodies get their own codes.
  EXPECT_EQ(api.json("PUT", "/api/v1/testing/clock", {{"advance_seconds", 60}}).status, 401);
  EXPECT_EQ(api.json("PUT", "/api/v1/testing/clock", {{"advance_seconds", 60}}, reviewer).status, 403);
  auto bad = api.json("PUT", "/api/v1/testing/clock", {{"advance_seconds", 60}, {"offset_seconds", 1}}, admin);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(error_code(bad), "CLOCK_REQUEST_INVALID");
  bad = api.json("PUT", "/api/v1/testing/clock", {{"time", "2027-02-30T08:00:00Z"}}, admin);
  EXPECT_EQ(error_code(bad), "TIME_INVALID");
  bad = api.json("PUT", "/api/v1/testing/clock", {{"offset_seconds", 400LL * 86400 * 366}}, admin);
  EXPECT_EQ(error_code(bad), "CLOCK_OUT_OF_RANGE");
  EXPECT_EQ(error_code(api.call("PUT", "/api/v1/testing/clock", "{", admin)), "MALFORMED_JSON");

  // Registration window: the public session list follows the host's clock.
  auto r = api.json("PUT", "/api/v1/testing/clock", {{"time", "2027-04-01T10:00:00+08:00"}}, admin);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["now"].get<std::string>().substr(0, 16), "2027-04-01T02:00");
  auto sessions = api.call("GET", "/api/v1/provinces/clockprov/sessions").json();
  EXPECT_TRUE(sessions["sessions"][0]["registration_is_open"].get<bool>());
  // Tokens follow the clock too: the one issued in 2026 has run out in 2027.
  EXPECT_EQ(api.call("GET", "/api/v1/testing/clock", "", admin).status, 401);
  admin = login(api, admin_name);

  // Deadline day, 16:00: two cases reach review; a clerk expedites the second one (加急认证).
  std::string clerk_name = add_staff(config, db, "clerk");
  std::string reviewer_name = add_staff(config, db, "reviewer");
  ASSERT_EQ(api.json("PUT", "/api/v1/testing/clock", {{"time", "2027-05-20T16:00:00+08:00"}}, admin).status, 200);
  admin = login(api, admin_name);
  std::string clerk = login(api, clerk_name);
  reviewer = login(api, reviewer_name);
  std::vector<std::pair<std::string, std::string>> reviewed;  // {case id, citizen token}
  for (int i = 0; i < 3; ++i) {
    auto opened = open_case(api);
    ASSERT_EQ(opened.status, 201) << opened.body;
    std::string cid = opened.json().value("case_id", ""), ctoken = opened.json().value("token", "");
    EXPECT_EQ(api.call("PUT", "/api/v1/cases/" + cid + "/documents/id-front", make_photo(), ctoken, "image/jpeg").status, 200);
    EXPECT_EQ(api.call("PUT", "/api/v1/cases/" + cid + "/documents/id-back", make_photo(".png"), ctoken, "image/png").status, 200);
    // Expediting before submission is refused.
    if (i == 0) {
      auto early = api.json("POST", "/api/v1/cases/" + cid + "/expedite", {{"reason", "考试在即"}}, clerk);
      EXPECT_EQ(early.status, 409) << early.body;
      EXPECT_EQ(error_code(early), "CASE_NOT_EXPEDITABLE");
    }
    ASSERT_EQ(api.call("POST", "/api/v1/cases/" + cid + "/submit", "", ctoken).status, 202);
    ASSERT_TRUE(eventually([&] {
      return api.call("GET", "/api/v1/cases/" + cid, "", ctoken).json().value("status", "") == "pending_review";
    }));
    reviewed.emplace_back(cid, ctoken);
  }
  const std::string slow = reviewed[0].first, slow_token = reviewed[0].second;
  const std::string fast = reviewed[1].first, fast_token = reviewed[1].second;
  // SLA: 3 working days from Thursday 2027-05-20 across the test calendar's holidays (05-21, 05-24) and
  // make-up Sunday (05-23): 05-23, 05-25, 05-26 -> the end of Wednesday 05-26 in Beijing.
  auto slow_case = api.call("GET", "/api/v1/cases/" + slow, "", slow_token).json();
  EXPECT_EQ(slow_case.value("due_at", ""), "2027-05-26T15:59:59Z") << slow_case.dump();
  EXPECT_EQ(slow_case.value("expected_completion_date", ""), "2027-05-26");
  EXPECT_EQ(api.json("POST", "/api/v1/cases/" + fast + "/expedite", {{"reason", " "}}, clerk).status, 400);
  EXPECT_EQ(api.json("POST", "/api/v1/cases/" + fast + "/expedite", {{"reason", "考生明日出国"}}).status, 401);
  auto exp = api.json("POST", "/api/v1/cases/" + fast + "/expedite", {{"reason", "考生明日出国"}}, clerk);
  ASSERT_EQ(exp.status, 200) << exp.body;
  EXPECT_EQ(exp.json()["due_at"].get<std::string>().substr(0, 16), "2027-05-21T08:00");  // 24 hours
  EXPECT_EQ(api.call("GET", "/api/v1/cases/" + fast, "", fast_token).json().value("expected_completion_date", ""),
            "2027-05-21");
  auto queue = api.call("GET", "/api/v1/review/queue", "", reviewer).json();
  ASSERT_GE(queue["items"].size(), 2u) << queue.dump();
  EXPECT_EQ(queue["items"][0]["id"], fast);
  EXPECT_TRUE(queue["items"][0]["expedited"].get<bool>());
  EXPECT_FALSE(queue["items"][0]["overdue"].get<bool>());
  auto form = api.call("GET", "/api/v1/cases/" + fast + "/expedite-form", "", clerk);
  ASSERT_EQ(form.status, 200);
  EXPECT_NE(form.body.find("加急认证申请表"), std::string::npos);
  EXPECT_NE(form.body.find("考生明日出国"), std::string::npos);
  EXPECT_NE(form.body.find("2027-05-21 16:00 (UTC+8)"), std::string::npos) << form.body;
  EXPECT_EQ(form.body.find("李四"), std::string::npos);  // the name is masked
  EXPECT_EQ(api.call("GET", "/api/v1/cases/" + fast + "/expedite-form", "", fast_token).status, 403);
  auto trail = api.call("GET", "/api/v1/review/" + fast, "", reviewer).json();
  int expedites = 0;
  for (const auto& a : trail["audit"]) expedites += a["action"] == "expedited";
  EXPECT_EQ(expedites, 1) << trail.dump();
  auto decided = api.json("POST", "/api/v1/review/" + fast + "/decision", {{"decision", "approve"}}, reviewer);
  ASSERT_EQ(decided.status, 200) << decided.body;
  const std::string rejected = reviewed[2].first, rejected_token = reviewed[2].second;
  decided = api.json("POST", "/api/v1/review/" + rejected + "/decision",
                     {{"decision", "reject"}, {"reasons", {"DOCUMENT_UNREADABLE"}}}, reviewer);
  ASSERT_EQ(decided.status, 200) << decided.body;

  // One minute before the verification deadline a case may still be opened.
  ASSERT_EQ(api.json("PUT", "/api/v1/testing/clock", {{"time", "2027-05-20T16:59:00+08:00"}}, admin).status, 200);
  admin = login(api, admin_name);
  sessions = api.call("GET", "/api/v1/provinces/clockprov/sessions").json();
  EXPECT_FALSE(sessions["sessions"][0]["registration_is_open"].get<bool>());
  auto before = open_case(api);
  ASSERT_EQ(before.status, 201) << before.body;
  std::string id = before.json().value("case_id", "");
  std::string token = before.json().value("token", "");
  // The sweeper leaves it alone while the deadline has not passed.
  std::this_thread::sleep_for(6s);  // longer than one sweep interval (5 s)
  EXPECT_EQ(api.call("GET", "/api/v1/cases/" + id, "", token).json().value("status", ""), "collecting");

  // Two minutes later (advance): closed for new cases, and the sweeper expires the open one.
  r = api.json("PUT", "/api/v1/testing/clock", {{"advance_seconds", 120}}, admin);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["now"].get<std::string>().substr(0, 16), "2027-05-20T09:01");
  auto after = open_case(api);
  EXPECT_EQ(after.status, 409) << after.body;
  EXPECT_EQ(error_code(after), "VERIFICATION_CLOSED");
  EXPECT_TRUE(eventually([&] {
    return api.call("GET", "/api/v1/cases/" + id, "", token).json().value("status", "") == "expired";
  })) << api.call("GET", "/api/v1/cases/" + id, "", token).body;

  // The waiting case expired with the deadline too.
  EXPECT_EQ(api.call("GET", "/api/v1/cases/" + slow, "", slow_token).json().value("status", ""), "expired");

  // Admission ticket (准考证): the case verified before the deadline prints one; the expired one gets
  // 403 NOT_VERIFIED with the remedy (verification has closed).
  {
    std::string cand = api.call("GET", "/api/v1/cases/" + fast, "", fast_token).json().value("candidate_id", "");
    auto ticket = api.call("GET", "/api/v1/candidates/" + cand + "/sessions/2027-05/admission-ticket", "", fast_token);
    ASSERT_EQ(ticket.status, 200) << ticket.body;
    EXPECT_NE(ticket.body.find("准考证"), std::string::npos);
    EXPECT_NE(ticket.body.find("2027-05-29"), std::string::npos);
    EXPECT_EQ(ticket.body.find("李四"), std::string::npos);  // masked
    std::string other = api.call("GET", "/api/v1/cases/" + id, "", token).json().value("candidate_id", "");
    auto no = api.call("GET", "/api/v1/candidates/" + other + "/sessions/2027-05/admission-ticket", "", token);
    EXPECT_EQ(no.status, 403) << no.body;
    EXPECT_EQ(error_code(no), "NOT_VERIFIED");
    EXPECT_FALSE(no.json()["error"].value("remedy_zh", "").empty()) << no.body;
    EXPECT_EQ(api.call("GET", "/api/v1/candidates/" + cand + "/sessions/2027-05/admission-ticket", "", token).status, 404);
    std::string rej = api.call("GET", "/api/v1/cases/" + rejected, "", rejected_token).json().value("candidate_id", "");
    auto r403 = api.call("GET", "/api/v1/candidates/" + rej + "/sessions/2027-05/admission-ticket", "", rejected_token);
    EXPECT_EQ(r403.status, 403) << r403.body;
    EXPECT_EQ(error_code(r403), "REJECTED");
    EXPECT_EQ(error_code(api.call("GET", "/api/v1/candidates/" + cand + "/sessions/nope/admission-ticket", "", fast_token)),
              "SESSION_NOT_FOUND");
  }

  // Certificate claim: score_release 2027-07-01 + 30 days. Day 30 (07-31): the unverified candidate may
  // still verify; day 31: lapsed. The verified one is eligible.
  std::string unverified = api.call("GET", "/api/v1/cases/" + id, "", token).json().value("candidate_id", "");
  std::string verified = api.call("GET", "/api/v1/cases/" + fast, "", fast_token).json().value("candidate_id", "");
  ASSERT_FALSE(unverified.empty());
  ASSERT_EQ(api.json("PUT", "/api/v1/testing/clock", {{"time", "2027-07-31T23:59:00+08:00"}}, admin).status, 200);
  admin = login(api, admin_name);
  auto el = api.call("GET", "/api/v1/candidates/" + unverified + "/certificate-eligibility", "", token);
  ASSERT_EQ(el.status, 200) << el.body;
  EXPECT_EQ(el.json()["sessions"][0]["state"], "needs_verification") << el.body;
  EXPECT_EQ(el.json()["sessions"][0]["until"], "2027-07-31");
  el = api.call("GET", "/api/v1/candidates/" + verified + "/certificate-eligibility?session=2027-05", "", fast_token);
  ASSERT_EQ(el.status, 200) << el.body;
  EXPECT_EQ(el.json()["state"], "eligible");
  // A citizen sees only their own candidate.
  EXPECT_EQ(api.call("GET", "/api/v1/candidates/" + verified + "/certificate-eligibility", "", token).status, 404);
  ASSERT_EQ(api.json("PUT", "/api/v1/testing/clock", {{"advance_seconds", 120}}, admin).status, 200);  // 08-01 00:01
  el = api.call("GET", "/api/v1/candidates/" + unverified + "/certificate-eligibility", "", token);
  EXPECT_EQ(el.json()["sessions"][0]["state"], "lapsed") << el.body;
  EXPECT_EQ(el.json()["today"], "2027-08-01");
  clerk = login(api, clerk_name);
  el = api.call("GET", "/api/v1/candidates/" + verified + "/certificate-eligibility", "", clerk);
  EXPECT_EQ(el.json()["sessions"][0]["state"], "eligible") << el.body;

  auto now = api.call("GET", "/api/v1/testing/clock", "", admin);
  EXPECT_EQ(now.status, 200);
  EXPECT_GT(now.json()["offset_seconds"].get<double>(), 0.0);
}


// The registration deadline job on two hosts sharing one database (MariaDB when
// SHIMING_TEST_MYSQL_URL is set, else SQLite): each open case is expired once, with one audit
// record, although both hosts' sweepers run (and run again) past the deadline.
TEST_F(Deadlines, TwoHostsExpireEachCaseOnce) {
  std::string data = make_temp_dir("deadlines_two");
  const char* mysql = std::getenv("SHIMING_TEST_MYSQL_URL");
  std::string db = mysql ? std::string(mysql) : "sqlite:" + data + "/shiming.db";
  std::string config = root_ + "/config/host.yaml";
  auto one = start_host(config, {"--allow-testing", "--data-dir", data}, db);
  ASSERT_TRUE(one->start()) << one->log_text();
  auto two = start_host(config, {"--allow-testing", "--data-dir", data}, db);
  ASSERT_TRUE(two->start()) << two->log_text();
  Api a(one->port()), b(two->port());
  std::string admin_name = add_staff(config, db, "admin");
  std::string reviewer_name = add_staff(config, db, "reviewer");
  for (Api* api : {&a, &b}) {
    std::string admin = login(*api, admin_name);
    ASSERT_EQ(api->json("PUT", "/api/v1/testing/clock", {{"time", "2027-05-20T16:59:30+08:00"}}, admin).status, 200);
  }
  std::vector<std::pair<std::string, std::string>> cases;
  for (int i = 0; i < 4; ++i) {
    auto r = open_case(i % 2 ? b : a);
    ASSERT_EQ(r.status, 201) << r.body;
    cases.emplace_back(r.json().value("case_id", ""), r.json().value("token", ""));
  }
  for (Api* api : {&a, &b}) {
    std::string admin = login(*api, admin_name);
    ASSERT_EQ(api->json("PUT", "/api/v1/testing/clock", {{"advance_seconds", 60}}, admin).status, 200);
  }
  for (const auto& [id, token] : cases) {
    const std::string cid = id, ctoken = token;
    EXPECT_TRUE(eventually([&] {
      return a.call("GET", "/api/v1/cases/" + cid, "", ctoken).json().value("status", "") == "expired";
    }));
  }
  std::this_thread::sleep_for(6s);  // both sweepers run again (5 s interval)
  std::string reviewer = login(a, reviewer_name);
  for (const auto& [id, token] : cases) {
    auto trail = a.call("GET", "/api/v1/review/" + id, "", reviewer).json()["audit"];
    int expiries = 0;
    for (const auto& e : trail) expiries += e["to"] == "expired";
    EXPECT_EQ(expiries, 1) << trail.dump();
  }
}

}  // namespace
}  // namespace shiming::testing
