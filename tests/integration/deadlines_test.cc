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

// Finished deadline sweeps of the host so far (GET /metrics).
double sweeps(Api& api) {
  auto r = api.call("GET", "/metrics");
  std::smatch m;
  static const std::regex re("\\nshiming_deadline_sweeps_total (\\S+)");
  return std::regex_search(r.body, m, re) ? std::stod(m[1]) : 0.0;
}

// Waits until the host has run a whole deadline sweep that started after now (two more finished).
bool full_sweep_passes(Api& api) {
  double before = sweeps(api);
  return eventually([&] { return sweeps(api) >= before + 2; });
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
    return make_host(config, database, std::move(args));
  }

  // Adds a staff user of clockprov; returns the user name.
  std::string add_staff(const std::string& config, const std::string& db_url, const std::string& role) {
    std::string out;
    std::string name = testing::add_staff(config, db_url, "clockprov", role, rng_, &out);
    EXPECT_FALSE(name.empty()) << out;
    return name;
  }
  // Signs in (a token lives 8 hours of the host's clock: sign in again after moving it).
  std::string login(Api& api, const std::string& name) {
    std::string token = testing::login(api, name);
    EXPECT_FALSE(token.empty()) << name;
    return token;
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
  EXPECT_EQ(sessions["sessions"][0]["remediation_attempts"], 1);
  EXPECT_EQ(sessions["sessions"][0]["remediation_until"], "2027-05-30T09:00:00Z");  // deadline + 10 days
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
  ASSERT_TRUE(full_sweep_passes(api));
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
    // The HTML carries the QR code of the signed token too.
    EXPECT_NE(ticket.body.find("<svg"), std::string::npos);
    EXPECT_NE(ticket.body.find(ticket.header("X-Ticket-Token")), std::string::npos);

    // The PDF (?format=pdf or Accept: application/pdf): poppler renders it, its QR code decodes to a
    // token the host's verify endpoint and `shimingctl ticket verify` accept; one altered byte is refused.
    auto pdf = api.call("GET", "/api/v1/candidates/" + cand + "/sessions/2027-05/admission-ticket?format=pdf", "", fast_token);
    ASSERT_EQ(pdf.status, 200) << pdf.body.substr(0, 300);
    EXPECT_EQ(pdf.header("Content-Type"), "application/pdf");
    ASSERT_EQ(pdf.body.rfind("%PDF-", 0), 0u);
    auto by_accept = api.client.request("GET", "/api/v1/candidates/" + cand + "/sessions/2027-05/admission-ticket", "",
                                        {{"Authorization", "Bearer " + fast_token}, {"Accept", "application/pdf"}});
    EXPECT_EQ(by_accept.status, 200);
    EXPECT_EQ(by_accept.header("Content-Type"), "application/pdf");
    EXPECT_EQ(api.call("GET", "/api/v1/candidates/" + cand + "/sessions/2027-05/admission-ticket?format=doc", "",
                       fast_token).status, 400);
    std::string qr = pdf_qr_text(pdf.body, data);
    ASSERT_FALSE(qr.empty()) << "no QR code found on the PDF ticket";
    EXPECT_EQ(qr, pdf.header("X-Ticket-Token"));
    auto checked = api.call("GET", "/api/v1/admission-tickets/verify?token=" + qr);
    ASSERT_EQ(checked.status, 200) << checked.body;
    EXPECT_TRUE(checked.json()["valid"].get<bool>());
    EXPECT_EQ(checked.json()["ticket"]["case"], fast);
    EXPECT_EQ(checked.json()["ticket"]["candidate"], cand);
    EXPECT_EQ(checked.json()["ticket"]["session"], "2027-05");
    EXPECT_EQ(checked.json()["ticket"]["name"].get<std::string>().find("李四"), std::string::npos);
    std::string altered = qr;
    std::size_t at = altered.size() / 3;  // inside the payload
    altered[at] = altered[at] == 'A' ? 'B' : 'A';
    auto refused = api.call("GET", "/api/v1/admission-tickets/verify?token=" + altered);
    EXPECT_TRUE(refused.status == 422 || refused.status == 400) << refused.body;
    EXPECT_FALSE(error_code(refused).empty());
    EXPECT_EQ(api.call("GET", "/api/v1/admission-tickets/verify").status, 400);
    auto pk = api.call("GET", "/api/v1/admission-tickets/public-key");
    ASSERT_EQ(pk.status, 200);
    std::string key = pk.json().value("public_key", ""), out;
    EXPECT_EQ(run_ctl({"ticket", "verify", "--json", "--public-key", key, qr}, "", out), 0) << out;
    EXPECT_NE(out.find(fast), std::string::npos) << out;
    EXPECT_EQ(run_ctl({"ticket", "verify", "--public-key", key, altered}, "", out), 1) << out;
    EXPECT_NE(out.find("INVALID"), std::string::npos) << out;
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
  const std::string mysql = mysql_test_url();
  std::string db = !mysql.empty() ? mysql : "sqlite:" + data + "/shiming.db";
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
  // Both sweepers run again over the expired cases (a whole sweep each, started after this point).
  double a0 = sweeps(a), b0 = sweeps(b);
  ASSERT_TRUE(eventually([&] { return sweeps(a) >= a0 + 2 && sweeps(b) >= b0 + 2; }));
  std::string reviewer = login(a, reviewer_name);
  for (const auto& [id, token] : cases) {
    auto trail = a.call("GET", "/api/v1/review/" + id, "", reviewer).json()["audit"];
    int expiries = 0;
    for (const auto& e : trail) expiries += e["to"] == "expired";
    EXPECT_EQ(expiries, 1) << trail.dump();
  }
}


// Remediation (补实名) with clockprov's rules (one new attempt, up to 10 days after the deadline):
// after a rejection before the deadline and after a missed deadline; refused when not needed, when
// the attempt is used up and when the window has closed; every attempt kept. A case verified after
// the deadline gets no admission ticket (403 VERIFIED_AFTER_DEADLINE with the remedy) but counts for
// the certificate claim.
TEST_F(Deadlines, RemediationAfterRejectionAndMissedDeadlineKeepsHistory) {
  std::string data = make_temp_dir("deadlines_remedy");
  std::string db = "sqlite:" + data + "/shiming.db";
  std::string config = root_ + "/config/host.yaml";
  auto host = start_host(config, {"--allow-testing"}, db);
  ASSERT_TRUE(host->start()) << host->log_text();
  Api api(host->port());
  std::string admin_name = add_staff(config, db, "admin"), reviewer_name = add_staff(config, db, "reviewer");
  std::string admin = login(api, admin_name);
  ASSERT_EQ(api.json("PUT", "/api/v1/testing/clock", {{"time", "2027-05-19T10:00:00+08:00"}}, admin).status, 200);
  admin = login(api, admin_name);
  std::string reviewer = login(api, reviewer_name);
  auto submit = [&](const std::string& id, const std::string& token) {
    EXPECT_EQ(api.call("PUT", "/api/v1/cases/" + id + "/documents/id-front", make_photo(), token, "image/jpeg").status, 200);
    EXPECT_EQ(api.call("PUT", "/api/v1/cases/" + id + "/documents/id-back", make_photo(".png"), token, "image/png").status, 200);
    EXPECT_EQ(api.call("POST", "/api/v1/cases/" + id + "/submit", "", token).status, 202);
    EXPECT_TRUE(eventually([&] {
      return api.call("GET", "/api/v1/cases/" + id, "", token).json().value("status", "") == "pending_review";
    }));
  };
  auto opened = [](const http::testing::ClientResponse& r) {
    return std::make_pair(r.json().value("case_id", ""), r.json().value("token", ""));
  };

  // X is rejected before the deadline and starts a new attempt with the rejected case's token.
  auto x1r = open_case(api);
  ASSERT_EQ(x1r.status, 201) << x1r.body;
  auto [x1, x1_token] = opened(x1r);
  submit(x1, x1_token);
  ASSERT_EQ(api.json("POST", "/api/v1/review/" + x1 + "/decision",
                     {{"decision", "reject"}, {"reasons", {"DOCUMENT_UNREADABLE"}}}, reviewer).status, 200);
  auto again = api.call("POST", "/api/v1/cases/" + x1 + "/remediation", "", x1_token);
  ASSERT_EQ(again.status, 201) << again.body;
  auto [x2, x2_token] = opened(again);
  EXPECT_EQ(again.json()["attempt"], 2);
  EXPECT_EQ(again.json()["previous_case_id"], x1);
  EXPECT_EQ(again.json()["candidate_id"], api.call("GET", "/api/v1/cases/" + x1, "", x1_token).json()["candidate_id"]);
  // The new attempt is in progress: a second one is refused.
  auto twice = api.call("POST", "/api/v1/cases/" + x1 + "/remediation", "", x1_token);
  EXPECT_EQ(twice.status, 409) << twice.body;
  EXPECT_EQ(error_code(twice), "CASE_EXISTS");
  // Nothing to remedy on a case still in progress.
  auto y1r = open_case(api);
  ASSERT_EQ(y1r.status, 201) << y1r.body;
  auto [y1, y1_token] = opened(y1r);
  auto not_needed = api.call("POST", "/api/v1/cases/" + y1 + "/remediation", "", y1_token);
  EXPECT_EQ(not_needed.status, 409) << not_needed.body;
  EXPECT_EQ(error_code(not_needed), "REMEDIATION_NOT_NEEDED");
  EXPECT_FALSE(not_needed.json()["error"].value("message_zh", "").empty());
  auto w1r = open_case(api);
  ASSERT_EQ(w1r.status, 201) << w1r.body;
  auto [w1, w1_token] = opened(w1r);

  // The deadline passes: every open attempt expires.
  ASSERT_EQ(api.json("PUT", "/api/v1/testing/clock", {{"time", "2027-05-21T10:00:00+08:00"}}, admin).status, 200);
  admin = login(api, admin_name);
  reviewer = login(api, reviewer_name);
  for (const auto& [id, token] : {std::pair{x2, x2_token}, std::pair{y1, y1_token}, std::pair{w1, w1_token}}) {
    const std::string cid = id, ctoken = token;
    EXPECT_TRUE(eventually([&] {
      return api.call("GET", "/api/v1/cases/" + cid, "", ctoken).json().value("status", "") == "expired";
    })) << cid;
  }
  // X has used its one remediation; Y (missed the deadline) may still remedy within the window.
  auto used = api.call("POST", "/api/v1/cases/" + x2 + "/remediation", "", x2_token);
  EXPECT_EQ(used.status, 403) << used.body;
  EXPECT_EQ(error_code(used), "REMEDIATION_LIMIT_REACHED");
  std::string y_candidate = api.call("GET", "/api/v1/cases/" + y1, "", y1_token).json().value("candidate_id", "");
  auto before_remedy = api.call("GET", "/api/v1/candidates/" + y_candidate + "/sessions/2027-05/admission-ticket", "", y1_token);
  EXPECT_EQ(error_code(before_remedy), "NOT_VERIFIED");
  EXPECT_NE(before_remedy.json()["error"].value("remedy", "").find("/remediation"), std::string::npos) << before_remedy.body;
  auto late = api.call("POST", "/api/v1/cases/" + y1 + "/remediation", "", y1_token);
  ASSERT_EQ(late.status, 201) << late.body;
  auto [y2, y2_token] = opened(late);
  // A new candidate is still turned away after the deadline.
  EXPECT_EQ(error_code(open_case(api)), "VERIFICATION_CLOSED");
  // The sweeper leaves the late attempt alone while its window is open.
  ASSERT_TRUE(full_sweep_passes(api));
  EXPECT_EQ(api.call("GET", "/api/v1/cases/" + y2, "", y2_token).json().value("status", ""), "collecting");
  submit(y2, y2_token);
  ASSERT_EQ(api.json("POST", "/api/v1/review/" + y2 + "/decision", {{"decision", "approve"}}, reviewer).status, 200);
  // Verified after the deadline: no admission ticket, the remedy named; the certificate claim is open.
  auto ticket = api.call("GET", "/api/v1/candidates/" + y_candidate + "/sessions/2027-05/admission-ticket", "", y2_token);
  EXPECT_EQ(ticket.status, 403) << ticket.body;
  EXPECT_EQ(error_code(ticket), "VERIFIED_AFTER_DEADLINE");
  EXPECT_FALSE(ticket.json()["error"].value("remedy", "").empty());
  EXPECT_FALSE(ticket.json()["error"].value("remedy_zh", "").empty());
  auto el = api.call("GET", "/api/v1/candidates/" + y_candidate + "/certificate-eligibility?session=2027-05", "", y2_token);
  EXPECT_EQ(el.json().value("state", ""), "eligible") << el.body;

  // History: every attempt kept, oldest first, with what became of it.
  auto hx = api.call("GET", "/api/v1/cases/" + x2 + "/attempts", "", x2_token);
  ASSERT_EQ(hx.status, 200) << hx.body;
  ASSERT_EQ(hx.json()["attempts"].size(), 2u) << hx.body;
  EXPECT_EQ(hx.json()["attempts"][0]["case_id"], x1);
  EXPECT_EQ(hx.json()["attempts"][0]["status"], "expired");  // rejected, then expired with the deadline
  EXPECT_EQ(hx.json()["attempts"][0]["reasons"][0], "DOCUMENT_UNREADABLE");
  EXPECT_EQ(hx.json()["attempts"][1]["case_id"], x2);
  EXPECT_EQ(hx.json()["attempts"][1]["attempt"], 2);
  auto hy = api.call("GET", "/api/v1/cases/" + y1 + "/attempts", "", reviewer);
  ASSERT_EQ(hy.json()["attempts"].size(), 2u) << hy.body;
  EXPECT_EQ(hy.json()["attempts"][0]["status"], "expired");
  EXPECT_EQ(hy.json()["attempts"][1]["status"], "verified");
  auto trail = api.call("GET", "/api/v1/review/" + y1, "", reviewer).json();
  int started = 0;
  for (const auto& a : trail["audit"]) started += a["action"] == "remediation_started";
  EXPECT_EQ(started, 1) << trail.dump();

  // After the remediation window: closed.
  ASSERT_EQ(api.json("PUT", "/api/v1/testing/clock", {{"time", "2027-05-30T17:01:00+08:00"}}, admin).status, 200);
  auto closed = api.call("POST", "/api/v1/cases/" + w1 + "/remediation", "", w1_token);
  EXPECT_EQ(closed.status, 403) << closed.body;
  EXPECT_EQ(error_code(closed), "REMEDIATION_CLOSED");
}

// Help lists the province's offices (the window channel's, from the rules) besides hotline and FAQ;
// load shows a peak window when the test clock is in one (the first day of registration) and when
// a quieter time starts, and no peak on an ordinary day.
TEST_F(Deadlines, HelpListsOfficesAndLoadFollowsPeakWindows) {
  std::string data = make_temp_dir("deadlines_help");
  std::string db = "sqlite:" + data + "/shiming.db";
  std::string config = root_ + "/config/host.yaml";
  auto host = start_host(config, {"--allow-testing"}, db);
  ASSERT_TRUE(host->start()) << host->log_text();
  Api api(host->port());
  auto help = api.call("GET", "/api/v1/provinces/clockprov/help");
  ASSERT_EQ(help.status, 200) << help.body;
  auto h = help.json();
  EXPECT_EQ(h["hotline"], "010-00000000");
  ASSERT_EQ(h["offices"].size(), 1u) << help.body;
  EXPECT_EQ(h["offices"][0]["id"], "cp-hall");
  EXPECT_EQ(h["offices"][0]["name"], "时钟测试省软考服务大厅");
  EXPECT_EQ(h["offices"][0]["address_en"], "1 Sample Road");
  EXPECT_EQ(h["offices"][0]["opening_hours"], "工作日 9:00-17:00");
  EXPECT_EQ(api.call("GET", "/api/v1/provinces/nowhere/help").status, 404);

  std::string admin_name = add_staff(config, db, "admin");
  std::string admin = login(api, admin_name);
  // The first day of registration (2027-03-01, Beijing) is a peak.
  ASSERT_EQ(api.json("PUT", "/api/v1/testing/clock", {{"time", "2027-03-01T10:00:00+08:00"}}, admin).status, 200);
  auto load = api.call("GET", "/api/v1/provinces/clockprov/load");
  ASSERT_EQ(load.status, 200) << load.body;
  auto l = load.json();
  EXPECT_TRUE(l["busy"].get<bool>()) << load.body;
  ASSERT_FALSE(l["peak_window"].is_null()) << load.body;
  EXPECT_EQ(l["peak_window"]["start"], "2027-03-01T01:00:00Z");  // registration opens 09:00 Beijing
  EXPECT_EQ(l["better_from"], "2027-03-01T16:00:00Z");
  EXPECT_FALSE(l.value("message_zh", "").empty());
  // An ordinary day: not busy, the registration's last days are coming.
  admin = login(api, admin_name);
  ASSERT_EQ(api.json("PUT", "/api/v1/testing/clock", {{"time", "2027-04-01T10:00:00+08:00"}}, admin).status, 200);
  l = api.call("GET", "/api/v1/provinces/clockprov/load").json();
  EXPECT_FALSE(l["busy"].get<bool>()) << l.dump();
  EXPECT_TRUE(l["peak_window"].is_null());
  ASSERT_FALSE(l["upcoming_peaks"].empty()) << l.dump();
  EXPECT_EQ(l["upcoming_peaks"][0]["start"].get<std::string>().substr(0, 10), "2027-05-13") << l.dump();
}
}  // namespace
}  // namespace shiming::testing
