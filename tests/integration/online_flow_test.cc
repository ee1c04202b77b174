// The online channel end to end against the real shiming-host binary: real
// plugins from .so files, real HTTP over loopback, real SQLite (and MariaDB
// when SHIMING_TEST_MYSQL_URL is set).
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "host_process.h"
#include "test_support.h"

namespace shiming::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

std::string test_config() { return std::string(SHIMING_SOURCE_DIR) + "/tests/integration/config/host.yaml"; }

class OnlineFlow : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    HostProcessOptions o;
    o.config_file = test_config();
    if (GetParam() == "mariadb") {
      o.database_url = mysql_test_url();
      if (o.database_url.empty()) GTEST_SKIP() << "SHIMING_TEST_MYSQL_URL not set (scripts/with-mariadb.sh sets it)";
    }
    host_ = std::make_unique<HostProcess>(o);
    ASSERT_TRUE(host_->start()) << host_->log_text();
    api_ = std::make_unique<Api>(host_->port());
    rng_.seed(std::random_device{}());
  }

  std::string database_args_url() const {
    if (GetParam() == "mariadb") return mysql_test_url();
    return "sqlite:" + host_->work_dir() + "/shiming.db";
  }

  // Creates a staff user with shimingctl against the host's database and logs in.
  std::string staff_token(const std::string& role, const std::string& province) {
    std::string name = role + "_" + province + "_" + std::to_string(rng_());
    std::string out;
    int rc = run_ctl({"--config", test_config(), "--database", database_args_url(), "user", "add", name,
                      "--province", province, "--role", role},
                     "correct horse battery staple\n", out);
    EXPECT_EQ(rc, 0) << out;
    auto r = api_->json("POST", "/api/v1/auth/login", {{"username", name}, {"password", "correct horse battery staple"}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().value("token", "");
  }

  Json identity(const std::string& id_number, const std::string& name = "张三丰") {
    return {{"name", name}, {"id_number", id_number}, {"sex", "M"}, {"phone", "13812345678"},
            {"exam_session", "2026-11"}};
  }

  // Opens a case and uploads both sides; returns {case id, token}.
  std::pair<std::string, std::string> open_with_documents(const std::string& province, const std::string& id_number) {
    auto r = api_->json("POST", "/api/v1/provinces/" + province + "/cases", identity(id_number));
    EXPECT_EQ(r.status, 201) << r.body;
    std::string id = r.json()["case_id"], token = r.json()["token"];
    auto photo = make_photo();
    EXPECT_EQ(api_->call("PUT", "/api/v1/cases/" + id + "/documents/id-front", photo, token, "image/jpeg").status, 200);
    EXPECT_EQ(api_->call("PUT", "/api/v1/cases/" + id + "/documents/id-back", make_photo(".png"), token, "image/png").status, 200);
    return {id, token};
  }

  Json wait_for_status(const std::string& id, const std::string& token, const std::string& want) {
    Json last;
    for (int i = 0; i < 400; ++i) {
      auto r = api_->call("GET", "/api/v1/cases/" + id, "", token);
      last = r.json();
      if (last.value("status", "") == want) return last;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "case " << id << " never reached " << want << "; last: " << last.dump();
    return last;
  }

  std::unique_ptr<HostProcess> host_;
  std::unique_ptr<Api> api_;
  std::mt19937 rng_;
};

TEST_P(OnlineFlow, HealthProvincesAndSessions) {
  auto h = api_->call("GET", "/healthz");
  EXPECT_EQ(h.status, 200);
  EXPECT_FALSE(h.header("X-Request-Id").empty());
  auto p = api_->call("GET", "/api/v1/provinces");
  ASSERT_EQ(p.status, 200);
  EXPECT_GE(p.json()["provinces"].size(), 2u);
  auto s = api_->call("GET", "/api/v1/provinces/testprov/sessions");
  ASSERT_EQ(s.status, 200);
  EXPECT_EQ(s.json()["sessions"][0]["id"], "2026-11");
  EXPECT_EQ(api_->call("GET", "/api/v1/provinces/atlantis/sessions").status, 404);
}

TEST_P(OnlineFlow, CitizenSubmitsReviewerApproves) {
  std::string idn = make_id_number(rng_);
  auto [id, token] = open_with_documents("testprov", idn);
  auto submitted = api_->call("POST", "/api/v1/cases/" + id + "/submit", "", token);
  ASSERT_EQ(submitted.status, 202) << submitted.body;
  EXPECT_FALSE(submitted.json()["due_at"].is_null());

  auto waiting = wait_for_status(id, token, "pending_review");
  ASSERT_FALSE(waiting["findings"].empty());
  EXPECT_EQ(waiting["findings"][0]["verifier"], "id_number");
  EXPECT_EQ(waiting["findings"][0]["outcome"], "pass");
  // Masked personal data only.
  EXPECT_EQ(waiting["candidate"]["id_number"], idn.substr(0, 6) + "********" + idn.substr(14));
  EXPECT_EQ(waiting["candidate"]["name"], "张**");
  EXPECT_EQ(waiting.dump().find(idn), std::string::npos);

  std::string reviewer = staff_token("reviewer", "testprov");
  auto queue = api_->call("GET", "/api/v1/review/queue", "", reviewer);
  ASSERT_EQ(queue.status, 200);
  bool listed = false;
  Json items = queue.json()["items"];
  for (const auto& item : items) listed = listed || item["id"] == id;
  EXPECT_TRUE(listed) << queue.body;

  // A citizen cannot decide; a reviewer of another province does not even see the case.
  EXPECT_EQ(api_->json("POST", "/api/v1/review/" + id + "/decision", {{"decision", "approve"}}, token).status, 403);
  std::string other = staff_token("reviewer", "autoprov");
  auto foreign = api_->json("POST", "/api/v1/review/" + id + "/decision", {{"decision", "approve"}}, other);
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(api_->call("GET", "/api/v1/cases/" + id, "", other).status, 404);

  auto approved = api_->json("POST", "/api/v1/review/" + id + "/decision", {{"decision", "approve"}}, reviewer);
  ASSERT_EQ(approved.status, 200) << approved.body;
  auto seen = api_->call("GET", "/api/v1/cases/" + id, "", token).json();
  EXPECT_EQ(seen["status"], "verified");
  EXPECT_EQ(seen["status_zh"], "已实名");

  // Deciding twice is an illegal transition.
  auto again = api_->json("POST", "/api/v1/review/" + id + "/decision",
                          {{"decision", "reject"}, {"reasons", {"OTHER"}}}, reviewer);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(error_code(again), "ILLEGAL_TRANSITION");
}

TEST_P(OnlineFlow, RejectionCarriesReasonsAndAllowsANewAttempt) {
  std::string idn = make_id_number(rng_);
  auto [id, token] = open_with_documents("testprov", idn);
  ASSERT_EQ(api_->call("POST", "/api/v1/cases/" + id + "/submit", "", token).status, 202);
  wait_for_status(id, token, "pending_review");
  std::string reviewer = staff_token("reviewer", "testprov");
  auto r = api_->json("POST", "/api/v1/review/" + id + "/decision",
                      {{"decision", "reject"}, {"reasons", {"DOCUMENT_UNREADABLE"}}}, reviewer);
  ASSERT_EQ(r.status, 200) << r.body;
  auto seen = api_->call("GET", "/api/v1/cases/" + id, "", token).json();
  EXPECT_EQ(seen["status"], "rejected");
  EXPECT_EQ(seen["decisions"][0]["reasons"][0], "DOCUMENT_UNREADABLE");
  // 补实名: a new attempt for the same person.
  auto again = api_->json("POST", "/api/v1/provinces/testprov/cases", identity(idn));
  ASSERT_EQ(again.status, 201) << again.body;
  auto second = api_->call("GET", "/api/v1/cases/" + std::string(again.json()["case_id"]), "",
                           again.json()["token"]).json();
  EXPECT_EQ(second["attempt"], 2);
}

TEST_P(OnlineFlow, AutoPolicyVerifiesWithoutAPerson) {
  auto [id, token] = open_with_documents("autoprov", make_id_number(rng_, "440104", "19881224", 'M'));
  ASSERT_EQ(api_->call("POST", "/api/v1/cases/" + id + "/submit", "", token).status, 202);
  wait_for_status(id, token, "verified");
}

TEST_P(OnlineFlow, TokensSeeOnlyTheirOwnCase) {
  auto [a, token_a] = open_with_documents("testprov", make_id_number(rng_));
  auto [b, token_b] = open_with_documents("testprov", make_id_number(rng_));
  EXPECT_EQ(api_->call("GET", "/api/v1/cases/" + a, "", token_b).status, 404);
  EXPECT_EQ(api_->call("GET", "/api/v1/cases/" + a).status, 401);
  auto forged = api_->call("GET", "/api/v1/cases/" + a, "", "ct_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  EXPECT_EQ(forged.status, 401);
  EXPECT_EQ(error_code(forged), "INVALID_TOKEN");
  EXPECT_EQ(error_code(api_->call("GET", "/api/v1/cases/" + a, "", "st_expired-or-forged")), "INVALID_TOKEN");
}

TEST_P(OnlineFlow, BadInputGetsClearErrors) {
  auto open = [&](const std::string& body) { return api_->call("POST", "/api/v1/provinces/testprov/cases", body); };
  EXPECT_EQ(error_code(open("{\"name\":")), "MALFORMED_JSON");
  EXPECT_EQ(error_code(open("[]")), "BODY_NOT_OBJECT");
  EXPECT_EQ(error_code(open(R"({"name":"张三"})")), "MISSING_FIELD");
  Json extra = identity(make_id_number(rng_));
  extra["is_admin"] = true;
  EXPECT_EQ(error_code(open(extra.dump())), "UNKNOWN_FIELD");
  Json wrong = identity(make_id_number(rng_));
  wrong["phone"] = 13812345678;
  EXPECT_EQ(error_code(open(wrong.dump())), "WRONG_TYPE");
  EXPECT_EQ(error_code(open("{\"name\":\"\xff\xfe\",\"id_number\":\"x\"}")), "MALFORMED_JSON");

  std::string good = make_id_number(rng_);
  std::string bad_check = good.substr(0, 17) + (good[17] == '0' ? "1" : "0");
  auto r = open(identity(bad_check).dump());
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(error_code(r), "ID_CHECK_CHARACTER");
  EXPECT_FALSE(r.json()["error"]["message_zh"].get<std::string>().empty());
  auto future = open(identity(make_id_number(rng_, "110105", "20990101")).dump());
  EXPECT_EQ(future.status, 422);
  EXPECT_EQ(error_code(future), "ID_BIRTH_DATE_FUTURE");

  // The same person twice while the first case is open.
  std::string dup = make_id_number(rng_);
  ASSERT_EQ(open(identity(dup).dump()).status, 201);
  auto second = open(identity(dup).dump());
  EXPECT_EQ(second.status, 409);
  EXPECT_EQ(error_code(second), "CASE_EXISTS");

  EXPECT_EQ(api_->call("GET", "/api/v1/nothing-here").status, 404);
  auto method = api_->call("DELETE", "/api/v1/provinces");
  EXPECT_EQ(method.status, 405);
  EXPECT_EQ(error_code(method), "METHOD_NOT_ALLOWED");
  auto traversal = api_->call("GET", "/api/v1/cases/..%2F..%2Fetc%2Fpasswd");
  EXPECT_EQ(traversal.status, 400);
  EXPECT_EQ(error_code(traversal), "BAD_PATH");
  EXPECT_EQ(api_->call("GET", "/api/v1/provinces/..%2f..%2fetc/sessions").status, 400);
}

TEST_P(OnlineFlow, UploadsAreCheckedAndNothingAcceptedIsLost) {
  auto r = api_->json("POST", "/api/v1/provinces/testprov/cases", identity(make_id_number(rng_)));
  ASSERT_EQ(r.status, 201);
  std::string id = r.json()["case_id"], token = r.json()["token"];
  std::string path = "/api/v1/cases/" + id + "/documents/id-front";
  auto jpg = make_photo();
  EXPECT_EQ(api_->call("PUT", path, jpg, token, "image/jpeg").status, 200);

  auto wrong_type = api_->call("PUT", path, "plain text, not a photo", token, "text/plain");
  EXPECT_EQ(wrong_type.status, 415);
  auto truncated = api_->call("PUT", path, jpg.substr(0, jpg.size() / 2), token, "image/jpeg");
  EXPECT_EQ(truncated.status, 422);
  EXPECT_EQ(error_code(truncated), "IMAGE_CORRUPT");
  auto tiny = api_->call("PUT", path, make_photo(".png", 1, 1), token, "image/png");
  EXPECT_EQ(error_code(tiny), "IMAGE_TOO_SMALL");
  std::string huge("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x75\x30\x00\x00\x75\x30\x08\x02\x00\x00\x00\x00\x00\x00\x00", 33);
  auto big = api_->call("PUT", path, huge, token, "image/png");
  EXPECT_EQ(big.status, 422);
  EXPECT_EQ(error_code(big), "IMAGE_TOO_LARGE");
  // Over the route's limit: refused from the Content-Length, before the body is read.
  http::testing::TestClient raw("127.0.0.1", host_->port());
  raw.write_raw("PUT " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
                "\r\nContent-Type: image/jpeg\r\nContent-Length: " + std::to_string(9 << 20) + "\r\n\r\n");
  auto oversized = raw.read_response();
  EXPECT_EQ(oversized.status, 413);
  EXPECT_EQ(error_code(oversized), "BODY_TOO_LARGE");
  auto unknown_kind = api_->call("PUT", "/api/v1/cases/" + id + "/documents/selfie-with-cat", jpg, token, "image/jpeg");
  EXPECT_EQ(unknown_kind.status, 404);

  // The good upload survived every bad attempt.
  auto seen = api_->call("GET", "/api/v1/cases/" + id, "", token).json();
  ASSERT_EQ(seen["documents"].size(), 1u);
  EXPECT_EQ(seen["documents"][0]["size"], jpg.size());

  auto early = api_->call("POST", "/api/v1/cases/" + id + "/submit", "", token);
  EXPECT_EQ(early.status, 422);
  EXPECT_EQ(error_code(early), "MISSING_DOCUMENT");
  // Named for people in both languages; the kind stays in `field` for programs.
  auto e = early.json()["error"];
  EXPECT_EQ(e["field"], "id-back");
  EXPECT_EQ(e["message"], "Upload the photo of the ID card's emblem side before submitting.");
  EXPECT_EQ(e["message_zh"], "提交前请先上传身份证国徽面照片。");
  // The pages name documents from the same list the host's messages use.
  auto kinds = api_->call("GET", "/api/v1/document-kinds");
  ASSERT_EQ(kinds.status, 200) << kinds.body;
  EXPECT_EQ(kinds.header("Cache-Control"), "public, max-age=3600");
  const nlohmann::json listed = kinds.json();  // a range-for over a member of a temporary would dangle
  nlohmann::json back;
  for (const auto& k : listed["kinds"])
    if (k["kind"] == e["field"]) back = k;
  ASSERT_FALSE(back.is_null()) << kinds.body;
  EXPECT_NE(e["message_zh"].get<std::string>().find(back["name"].get<std::string>()), std::string::npos);
  EXPECT_NE(e["message"].get<std::string>().find(back["name_en"].get<std::string>()), std::string::npos);
}

TEST_P(OnlineFlow, LoginFailuresAreSlowedAndLocked) {
  std::string token = staff_token("reviewer", "testprov");
  ASSERT_FALSE(token.empty());
  // The user name is the one just created: find it from a fresh user instead.
  std::string name = "locktest_" + std::to_string(rng_());
  std::string out;
  ASSERT_EQ(run_ctl({"--config", test_config(), "--database", database_args_url(), "user", "add", name,
                     "--province", "testprov", "--role", "reviewer"},
                    "a-long-password-1\n", out), 0) << out;
  int locked_at = 0;
  for (int i = 1; i <= 6 && !locked_at; ++i) {
    auto r = api_->json("POST", "/api/v1/auth/login", {{"username", name}, {"password", "wrong"}});
    if (r.status == 429) {
      locked_at = i;
      EXPECT_EQ(error_code(r), "LOGIN_LOCKED");
      EXPECT_FALSE(r.header("Retry-After").empty());
    } else {
      EXPECT_EQ(r.status, 401);
    }
  }
  EXPECT_GT(locked_at, 0) << "repeated failures never locked the account";
  // Even the right password waits while locked.
  auto right = api_->json("POST", "/api/v1/auth/login", {{"username", name}, {"password", "a-long-password-1"}});
  EXPECT_EQ(right.status, 429);
}

TEST_P(OnlineFlow, NoClearPersonalDataAtRestOrInLogs) {
  if (GetParam() == "mariadb") GTEST_SKIP() << "checks the SQLite file";
  std::string idn = make_id_number(rng_, "320102", "19790512", 'F');
  Json who = identity(idn, "欧阳娜娜");
  who["sex"] = "F";
  auto r = api_->json("POST", "/api/v1/provinces/testprov/cases", who);
  ASSERT_EQ(r.status, 201);
  std::string id = r.json()["case_id"], token = r.json()["token"];
  ASSERT_EQ(api_->call("PUT", "/api/v1/cases/" + id + "/documents/id-front", make_photo(), token, "image/jpeg").status, 200);
  ASSERT_EQ(api_->call("PUT", "/api/v1/cases/" + id + "/documents/id-back", make_photo(), token, "image/jpeg").status, 200);
  ASSERT_EQ(api_->call("POST", "/api/v1/cases/" + id + "/submit", "", token).status, 202);
  wait_for_status(id, token, "pending_review");
  host_->stop();  // flush everything to disk

  std::vector<std::string> needles = {idn, "欧阳娜娜", "13812345678"};
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(host_->work_dir())) {
    if (!entry.is_regular_file()) continue;
    ++files;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string content = ss.str();
    for (const auto& n : needles)
      EXPECT_EQ(content.find(n), std::string::npos) << entry.path() << " contains clear personal data";
  }
  EXPECT_GE(files, 4);  // database (+WAL), key file, evidence files, logs
}

TEST_P(OnlineFlow, SubmittedCaseSurvivesACrash) {
  if (GetParam() == "mariadb") GTEST_SKIP() << "one database is enough for this";
  // An API-only host (no workers) accepts the submission, then dies hard.
  HostProcessOptions o;
  o.config_file = test_config();
  o.extra_args = {"--workers", "0"};
  HostProcess first(o);
  ASSERT_TRUE(first.start()) << first.log_text();
  api_ = std::make_unique<Api>(first.port());
  auto [id, token] = open_with_documents("testprov", make_id_number(rng_));
  ASSERT_EQ(api_->call("POST", "/api/v1/cases/" + id + "/submit", "", token).status, 202);
  EXPECT_EQ(api_->call("GET", "/api/v1/cases/" + id, "", token).json()["status"], "submitted");
  first.kill_hard();
  // Same data directory and database, now with workers: the job is picked up.
  HostProcessOptions again;
  again.config_file = test_config();
  again.database_url = "sqlite:" + first.work_dir() + "/shiming.db";
  again.extra_args = {"--data-dir", first.work_dir()};
  HostProcess second(again);
  ASSERT_TRUE(second.start()) << second.log_text();
  api_ = std::make_unique<Api>(second.port());
  auto seen = wait_for_status(id, token, "pending_review");
  EXPECT_EQ(seen["findings"].size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Databases, OnlineFlow, ::testing::Values("sqlite", "mariadb"));

}  // namespace
}  // namespace shiming::testing
