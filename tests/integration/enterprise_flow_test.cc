// The enterprise channel end to end against the real shiming-host binary and the real plugin .so,
// over loopback, on SQLite and on MariaDB (when SHIMING_TEST_MYSQL_URL is set): the province admin
// registers enterprises, an HR account bound with shimingctl uploads a GBK roster with bad rows
// and a ZIP of scans, reads the report (JSON and CSV), employees upload their face photo with their
// own tokens, HR submits, the reviewer accepts the clean cases in one call and looks at the
// flagged ones; HR of another enterprise and a reviewer of another province see nothing.
#include <iconv.h>
#include <zip.h>

#include <chrono>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "crypto/keyring.h"
#include "host_process.h"
#include "storage/database.h"
#include "storage/record_repo.h"
#include "test_support.h"

namespace shiming::testing {
namespace {

using Json = nlohmann::json;
const char* kPassword = "correct horse battery staple";
const char* kPrefix = "/api/v1/channels/enterprise";

std::string config() { return std::string(SHIMING_SOURCE_DIR) + "/tests/integration/config-enterprise/host.yaml"; }

std::string to_gbk(const std::string& utf8) {
  iconv_t cd = iconv_open("GBK", "UTF-8");
  std::string in = utf8, out(utf8.size() * 2 + 16, '\0');
  char* ip = in.data();
  char* op = out.data();
  std::size_t il = in.size(), ol = out.size();
  EXPECT_NE(iconv(cd, &ip, &il, &op, &ol), static_cast<std::size_t>(-1));
  iconv_close(cd);
  out.resize(out.size() - ol);
  return out;
}

// A ZIP made with libzip holding the named files.
std::string make_zip(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& files) {
  std::string path = dir + "/scans.zip";
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  EXPECT_NE(z, nullptr);
  for (const auto& [name, data] : files) {
    zip_source_t* src = zip_source_buffer(z, data.data(), data.size(), 0);
    EXPECT_GE(zip_file_add(z, name.c_str(), src, ZIP_FL_ENC_UTF_8), 0);
  }
  EXPECT_EQ(zip_close(z), 0);
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

class EnterpriseFlow : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    HostProcessOptions o;
    o.config_file = config();
    if (GetParam() == "mariadb") {
      o.database_url = mysql_test_url();
      if (o.database_url.empty()) GTEST_SKIP() << "SHIMING_TEST_MYSQL_URL not set (scripts/with-mariadb.sh sets it)";
    }
    host_ = std::make_unique<HostProcess>(o);
    ASSERT_TRUE(host_->start()) << host_->log_text();
    api_ = std::make_unique<Api>(host_->port());
    rng_.seed(std::random_device{}());
  }

  std::string database_url() const {
    if (GetParam() == "mariadb") return mysql_test_url();
    return "sqlite:" + host_->work_dir() + "/shiming.db";
  }

  int ctl(std::vector<std::string> args, std::string& out, const std::string& input = "") {
    std::vector<std::string> all = {"--config", config(), "--database", database_url(), "--data-dir", host_->work_dir()};
    all.insert(all.end(), args.begin(), args.end());
    return run_ctl(all, input, out);
  }

  std::string login(const std::string& role, const std::string& province, const std::string& enterprise = {}) {
    std::string name = role + "_" + province + "_" + std::to_string(rng_()), out;
    std::vector<std::string> args = {"user", "add", name, "--province", province, "--role", role};
    if (!enterprise.empty()) args.insert(args.end(), {"--enterprise", enterprise});
    EXPECT_EQ(ctl(args, out, std::string(kPassword) + "\n"), 0) << out;
    auto r = api_->json("POST", "/api/v1/auth/login", {{"username", name}, {"password", kPassword}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().value("token", "");
  }

  Json wait_batch(const std::string& id, const std::string& token) {
    Json last;
    for (int i = 0; i < 600; ++i) {
      auto r = api_->call("GET", std::string(kPrefix) + "/batches/" + id, "", token);
      last = r.json();
      std::string s = last.value("state", "");
      if (s != "queued" && s != "importing") return last;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "batch never finished importing: " << last.dump();
    return last;
  }

  std::string case_status(const std::string& id, const std::string& staff_token) {
    return api_->call("GET", "/api/v1/cases/" + id, "", staff_token).json().value("status", "");
  }

  // Registers an enterprise in the province's register (201).
  void register_enterprise(const std::string& admin, const std::string& province, const std::string& id) {
    auto r = api_->json("PUT", std::string(kPrefix) + "/provinces/" + province + "/enterprises/" + id,
                        {{"name", "测试企业" + id}, {"credit_code", "91110105MA01ABCD13"}, {"valid_from", "2020-01-01"},
                         {"valid_until", "2099-12-31"}},
                        admin);
    ASSERT_EQ(r.status, 201) << r.body;
  }

  // A roster of `rows` employees with distinct valid ID numbers (random birth dates and sexes),
  // all named `name`, phones from `phone_prefix` on, exam session 2026-11.
  std::string roster_csv(int rows, const std::string& name, const std::string& phone_prefix) {
    std::string csv = "name,id_number,phone,exam_session\n";
    std::set<std::string> ids;
    while (static_cast<int>(ids.size()) < rows) {
      char birth[16];
      std::snprintf(birth, sizeof birth, "19%02u%02u%02u", static_cast<unsigned>(60 + rng_() % 40),
                    static_cast<unsigned>(1 + rng_() % 12), static_cast<unsigned>(1 + rng_() % 28));
      auto id = make_id_number(rng_, "110105", birth, rng_() % 2 ? 'F' : 'M');
      if (!ids.insert(id).second) continue;
      csv += name + "," + id + "," + phone_prefix + std::to_string(10000000 + ids.size()) + ",2026-11\n";
    }
    return csv;
  }

  // Uploads a roster and waits for its import.
  Json import(const std::string& csv, const std::string& hr) {
    auto up = api_->call("POST", std::string(kPrefix) + "/batches", csv, hr, "text/csv");
    EXPECT_EQ(up.status, 202) << up.body;
    return wait_batch(up.json().value("batch_id", ""), hr);
  }

  std::map<int, Json> employees_by_row(const std::string& batch, const std::string& hr) {
    std::map<int, Json> out;
    auto emp = api_->call("GET", std::string(kPrefix) + "/batches/" + batch + "/employees?links=true&limit=1000", "", hr);
    EXPECT_EQ(emp.status, 200) << emp.body;
    auto j = emp.json();
    for (const auto& e : j["employees"]) out[e["row"].get<int>()] = e;
    return out;
  }

  void wait_status(const std::string& case_id, const std::string& staff, const std::string& want) {
    std::string st;
    for (int i = 0; i < 400 && (st = case_status(case_id, staff)) != want; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_EQ(st, want) << case_id;
  }

  std::unique_ptr<HostProcess> host_;
  std::unique_ptr<Api> api_;
  std::mt19937 rng_;
};

TEST_P(EnterpriseFlow, RosterToBatchReview) {
  std::string admin = login("admin", "entprov");
  // The register: two qualified enterprises and one whose qualification has expired.
  auto reg = [&](const std::string& id, const std::string& code, const std::string& until) {
    return api_->json("PUT", std::string(kPrefix) + "/provinces/entprov/enterprises/" + id,
                      {{"name", "测试企业" + id}, {"credit_code", code}, {"valid_from", "2020-01-01"}, {"valid_until", until}},
                      admin);
  };
  ASSERT_EQ(reg("acme", "91110105MA01ABCD13", "2099-12-31").status, 201);
  ASSERT_EQ(reg("beta", "91110108MA00AAAA16", "2099-12-31").status, 201);
  ASSERT_EQ(reg("gone", "91350100M000100Y43", "2021-06-30").status, 201);
  auto bad_code = reg("typo", "91110105MA01ABCD14", "2099-12-31");
  EXPECT_EQ(bad_code.status, 400);
  EXPECT_EQ(error_code(bad_code), "QUALIFICATION_INVALID");
  // The register as shimingctl shows it.
  std::string out;
  ASSERT_EQ(ctl({"enterprise", "list", "--province", "entprov", "--json"}, out), 0) << out;
  auto listed = Json::parse(out);
  ASSERT_EQ(listed["enterprises"].size(), 3u);
  for (const auto& e : listed["enterprises"]) EXPECT_EQ(e["valid_today"].get<bool>(), e["enterprise_id"] != "gone");
  // An HR account cannot be bound to an enterprise outside the register.
  EXPECT_NE(ctl({"user", "add", "hr_nobody", "--province", "entprov", "--role", "enterprise_hr", "--enterprise", "nope"},
                out, std::string(kPassword) + "\n"),
            0);

  std::string hr_a = login("enterprise_hr", "entprov", "acme");
  std::string hr_b = login("enterprise_hr", "entprov", "beta");
  std::string hr_gone = login("enterprise_hr", "entprov", "gone");

  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(make_id_number(rng_, "110105", "1990030" + std::to_string(i + 1), i % 2 ? 'F' : 'M'));
  std::string bad_check = ids[0].substr(0, 17) + (ids[0][17] == '1' ? "2" : "1");
  std::string csv = "姓名,身份证号,手机号,考试场次,扫描件\r\n"            // row 1
                    "王小明," + ids[0] + ",13800000001,2026-11,a1.jpg\r\n"  // 2 clean, scan
                    "李四," + ids[1] + ",13800000002,2026-11,a2.png\r\n"    // 3 clean, duplicated by row 8
                    "赵六," + ids[2] + ",13800000003,2026-11,missing.jpg\r\n"  // 4 scan not in the ZIP
                    "钱七," + ids[3] + ",13800000004,2026-11,\r\n"          // 5 never does the face check
                    "周九," + bad_check + ",13800000005,2026-11,\r\n"       // 6 wrong check character
                    "吴十," + make_id_number(rng_) + ",12345,2026-11,\r\n"  // 7 phone
                    "郑一," + ids[1] + ",13800000007,2026-11,\r\n"          // 8 duplicate of row 3
                    "\"=cmd|' /C calc'!A0\"," + make_id_number(rng_) + ",13800000008,2026-11,\r\n"  // 9 formula
                    "孙八," + ids[4] + ",13800000009,2026-11,\r\n";         // 10 clean
  std::string gbk = to_gbk(csv);

  // Missing or expired qualification: refused before anything is read.
  auto refused = api_->call("POST", std::string(kPrefix) + "/batches", gbk, hr_gone, "text/csv");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(error_code(refused), "QUALIFICATION_EXPIRED");

  auto up = api_->call("POST", std::string(kPrefix) + "/batches", gbk, hr_a, "text/csv");
  ASSERT_EQ(up.status, 202) << up.body;
  std::string batch = up.json()["batch_id"];
  auto b = wait_batch(batch, hr_a);
  ASSERT_EQ(b["state"], "ready") << b.dump();
  EXPECT_EQ(b["progress"]["rows_read"], 9);
  EXPECT_EQ(b["summary"]["clean_rows"], 5);
  EXPECT_EQ(b["summary"]["encoding"], "gbk");

  // The per-row report.
  auto rep = api_->call("GET", std::string(kPrefix) + "/batches/" + batch + "/report", "", hr_a).json();
  std::map<int, std::string> codes;
  for (const auto& i : rep["issues"]) codes[i["row"].get<int>()] = i["code"];
  EXPECT_EQ(codes.size(), 4u) << rep.dump();
  EXPECT_EQ(codes[7], "ROSTER_PHONE_INVALID");
  EXPECT_EQ(codes[8], "ROSTER_ID_DUPLICATE");
  EXPECT_EQ(codes[9], "ROSTER_NAME_INVALID");
  EXPECT_TRUE(codes.count(6) && codes[6].rfind("ID_", 0) == 0) << codes[6];
  auto rep_csv = api_->call("GET", std::string(kPrefix) + "/batches/" + batch + "/report?format=csv", "", hr_a);
  ASSERT_EQ(rep_csv.status, 200);
  EXPECT_NE(rep_csv.body.find("ROSTER_PHONE_INVALID"), std::string::npos);
  std::istringstream lines(rep_csv.body);
  for (std::string line; std::getline(lines, line);)
    for (std::size_t p = 0; p != std::string::npos; p = line.find(',', p + 1)) {
      std::size_t s = p == 0 && line[0] != ',' ? 0 : p + 1;
      if (s < line.size()) EXPECT_TRUE(line[s] != '=' && line[s] != '+' && line[s] != '@') << line;
    }

  // The ZIP of scans: two match, one row names a scan the ZIP lacks.
  std::string dir = make_temp_dir("enterprise-zip");
  auto zip = make_zip(dir, {{"scans/a1.jpg", make_photo(".jpg")}, {"a2.png", make_photo(".png")}});
  auto sc = api_->call("PUT", std::string(kPrefix) + "/batches/" + batch + "/scans", zip, hr_a, "application/zip");
  ASSERT_EQ(sc.status, 200) << sc.body;
  EXPECT_EQ(sc.json()["attached"], 2);
  ASSERT_EQ(sc.json()["problems"].size(), 1u);
  EXPECT_EQ(sc.json()["problems"][0]["code"], "SCAN_MISSING");
  auto unsafe = make_zip(dir, {{"../evil.jpg", "x"}});
  EXPECT_EQ(error_code(api_->call("PUT", std::string(kPrefix) + "/batches/" + batch + "/scans", unsafe, hr_a,
                                  "application/zip")),
            "ZIP_PATH_UNSAFE");

  // Isolation: HR of another enterprise, a reviewer of another province.
  EXPECT_EQ(api_->call("GET", std::string(kPrefix) + "/batches/" + batch, "", hr_b).status, 404);
  EXPECT_EQ(api_->call("GET", std::string(kPrefix) + "/batches/" + batch + "/employees", "", hr_b).status, 404);
  EXPECT_TRUE(api_->call("GET", std::string(kPrefix) + "/batches", "", hr_b).json()["batches"].empty());

  // Employees: their own links; each uploads a face photo with their token (not row 5).
  auto emp = api_->call("GET", std::string(kPrefix) + "/batches/" + batch + "/employees?links=true", "", hr_a);
  ASSERT_EQ(emp.status, 200) << emp.body;
  auto employees = emp.json()["employees"];
  ASSERT_EQ(employees.size(), 5u);
  std::map<int, Json> by_row;
  for (const auto& e : employees) by_row[e["row"].get<int>()] = e;
  EXPECT_EQ(by_row[3]["flags"], Json::array({"DUPLICATE_IN_ROSTER"}));
  EXPECT_EQ(by_row[4]["flags"], Json::array({"SCAN_MISSING"}));
  EXPECT_TRUE(by_row[2]["id_scan"].get<bool>());
  // A real face photo (Debian python3-skimage, as the face plugins' tests use it).
  std::string face = read_file("/usr/lib/python3/dist-packages/skimage/data/astronaut.png");
  ASSERT_FALSE(face.empty()) << "python3-skimage is in packaging/debian-packages.txt";
  for (int row : {2, 3, 4, 10}) {
    std::string cid = by_row[row]["case_id"], token = by_row[row]["token"];
    // The token opens only the employee's own case.
    if (row == 2)
      EXPECT_EQ(api_->call("GET", "/api/v1/cases/" + by_row[3]["case_id"].get<std::string>(), "", token).status, 404);
    auto put = api_->call("PUT", "/api/v1/cases/" + cid + "/documents/face", face, token, "image/png");
    EXPECT_EQ(put.status, 200) << put.body;
  }
  auto progress = api_->call("GET", std::string(kPrefix) + "/batches/" + batch + "/employees", "", hr_a).json();
  int complete = 0;
  for (const auto& e : progress["employees"]) {
    complete += e["complete"].get<bool>();
    EXPECT_FALSE(e.contains("token"));
  }
  EXPECT_EQ(complete, 4);

  // A reviewer sees the batch only once submitted.
  std::string reviewer = login("reviewer", "entprov");
  std::string other_reviewer = login("reviewer", "entother");
  EXPECT_EQ(api_->call("GET", std::string(kPrefix) + "/batches/" + batch + "/rows", "", reviewer).status, 404);

  auto sub = api_->call("POST", std::string(kPrefix) + "/batches/" + batch + "/submit", "", hr_a);
  ASSERT_EQ(sub.status, 202) << sub.body;
  EXPECT_EQ(sub.json()["submitted"], 4);
  EXPECT_EQ(sub.json()["incomplete"], 1);

  EXPECT_EQ(api_->call("GET", std::string(kPrefix) + "/batches/" + batch + "/rows", "", other_reviewer).status, 404);
  bool other_sees = false;
  auto other_list = api_->call("GET", std::string(kPrefix) + "/batches", "", other_reviewer).json();
  for (const auto& x : other_list["batches"]) other_sees |= x["id"] == batch;
  EXPECT_FALSE(other_sees);

  // Wait for the pipeline (id_number, manual review) to put the submitted cases in the queue.
  for (int row : {2, 3, 4, 10}) {
    std::string cid = by_row[row]["case_id"], st;
    for (int i = 0; i < 400 && (st = case_status(cid, reviewer)) != "pending_review"; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_EQ(st, "pending_review") << "row " << row;
  }
  EXPECT_EQ(case_status(by_row[5]["case_id"], reviewer), "collecting");

  auto rows = api_->call("GET", std::string(kPrefix) + "/batches/" + batch + "/rows?flagged=true", "", reviewer);
  ASSERT_EQ(rows.status, 200) << rows.body;
  std::set<int> flagged;
  auto row_list = rows.json();
  for (const auto& r : row_list["rows"]) flagged.insert(r["row"].get<int>());
  EXPECT_EQ(flagged, (std::set<int>{3, 4, 5})) << rows.body;

  auto acc = api_->call("POST", std::string(kPrefix) + "/batches/" + batch + "/accept-clean", "", reviewer);
  ASSERT_EQ(acc.status, 200) << acc.body;
  EXPECT_EQ(acc.json()["accepted"], 2);
  EXPECT_EQ(acc.json()["left_for_review"].size(), 2u);
  EXPECT_EQ(case_status(by_row[2]["case_id"], reviewer), "verified");
  EXPECT_EQ(case_status(by_row[10]["case_id"], reviewer), "verified");
  // Each accepted case has the decision record the single-case review writes.
  auto view = api_->call("GET", "/api/v1/review/" + by_row[2]["case_id"].get<std::string>(), "", reviewer).json();
  ASSERT_EQ(view["decisions"].size(), 1u) << view.dump();
  EXPECT_EQ(view["decisions"][0]["decision"], "verified");
  EXPECT_NE(view["decisions"][0].value("comment", "").find(batch), std::string::npos);
  EXPECT_EQ(case_status(by_row[4]["case_id"], reviewer), "pending_review");
  // A flagged one, looked at individually.
  std::string flagged_case = by_row[4]["case_id"];
  EXPECT_EQ(api_->call("GET", "/api/v1/review/" + flagged_case, "", reviewer).status, 200);
  auto dec = api_->json("POST", "/api/v1/review/" + flagged_case + "/decision", {{"decision", "approve"}}, reviewer);
  EXPECT_EQ(dec.status, 200) << dec.body;
  EXPECT_EQ(api_->call("POST", std::string(kPrefix) + "/batches/" + batch + "/accept-clean", "", other_reviewer).status,
            404);
}

// HR accounts bound and unbound through the API by the province's admins.
TEST_P(EnterpriseFlow, HrBindingThroughTheApi) {
  std::string admin = login("admin", "entprov");
  std::string other_admin = login("admin", "entother");
  register_enterprise(admin, "entprov", "acme");
  register_enterprise(admin, "entprov", "beta");
  // An HR account created for beta; shimingctl prints its user id.
  std::string name = "hr_api_" + std::to_string(rng_()), out;
  ASSERT_EQ(ctl({"user", "add", name, "--province", "entprov", "--role", "enterprise_hr", "--enterprise", "beta"}, out,
                std::string(kPassword) + "\n"),
            0)
      << out;
  auto at = out.find("created: ");
  ASSERT_NE(at, std::string::npos) << out;
  std::string user_id = out.substr(at + 9, out.find_first_of("\r\n", at) - at - 9);
  auto signed_in = api_->json("POST", "/api/v1/auth/login", {{"username", name}, {"password", kPassword}});
  std::string hr = signed_in.json().value("token", "");
  ASSERT_FALSE(hr.empty()) << signed_in.body;
  auto me = api_->call("GET", std::string(kPrefix) + "/me", "", hr);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json()["enterprise_id"], "beta");

  std::string bindings = std::string(kPrefix) + "/provinces/entprov/hr-bindings";
  // Not in the register; another province's admin; HR itself; a body without the user.
  auto missing = api_->json("POST", bindings, {{"user_id", user_id}, {"enterprise_id", "nope"}}, admin);
  EXPECT_EQ(missing.status, 422);
  EXPECT_EQ(error_code(missing), "QUALIFICATION_MISSING");
  EXPECT_EQ(api_->json("POST", bindings, {{"user_id", user_id}, {"enterprise_id", "acme"}}, other_admin).status, 403);
  EXPECT_EQ(api_->json("POST", bindings, {{"user_id", user_id}, {"enterprise_id", "acme"}}, hr).status, 403);
  EXPECT_EQ(error_code(api_->json("POST", bindings, {{"enterprise_id", "acme"}}, admin)), "MISSING_FIELD");
  EXPECT_EQ(api_->call("GET", std::string(kPrefix) + "/me", "", hr).json()["enterprise_id"], "beta");

  auto bound = api_->json("POST", bindings, {{"user_id", user_id}, {"enterprise_id", "acme"}}, admin);
  ASSERT_EQ(bound.status, 200) << bound.body;
  me = api_->call("GET", std::string(kPrefix) + "/me", "", hr);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json()["enterprise_id"], "acme");
  EXPECT_TRUE(me.json()["qualified"].get<bool>());

  EXPECT_EQ(api_->call("DELETE", bindings + "/" + user_id, "", other_admin).status, 403);
  auto unbound = api_->call("DELETE", bindings + "/" + user_id, "", admin);
  ASSERT_EQ(unbound.status, 200) << unbound.body;
  EXPECT_EQ(unbound.json()["unbound"], "acme");
  EXPECT_EQ(error_code(api_->call("GET", std::string(kPrefix) + "/me", "", hr)), "HR_NOT_BOUND");
  EXPECT_EQ(api_->call("POST", std::string(kPrefix) + "/batches", "name,id_number,phone,exam_session\n", hr, "text/csv")
                .status,
            403);
  EXPECT_EQ(api_->call("DELETE", bindings + "/" + user_id, "", admin).status, 404);
}

// entother submits all or nothing; its pipeline sends a region code outside GB/T 2260 to a person,
// so accept-clean leaves that case for individual review with the finding that did not pass.
TEST_P(EnterpriseFlow, AllOrNothingAndAcceptCleanFindings) {
  std::string admin = login("admin", "entother");
  register_enterprise(admin, "entother", "gamma");
  std::string hr = login("enterprise_hr", "entother", "gamma");
  std::string known = make_id_number(rng_, "110105", "19880512", 'M');
  std::string unknown_region = make_id_number(rng_, "990101", "19910220", 'F');
  auto b = import("name,id_number,phone,exam_session\r\n"
                  "王一," + known + ",13900000001,2026-11\r\n"
                  "李二," + unknown_region + ",13900000002,2026-11\r\n",
                  hr);
  ASSERT_EQ(b["state"], "ready") << b.dump();
  std::string batch = b["id"];
  auto by_row = employees_by_row(batch, hr);
  ASSERT_EQ(by_row.size(), 2u) << b.dump();
  std::string face = read_file("/usr/lib/python3/dist-packages/skimage/data/astronaut.png");
  ASSERT_FALSE(face.empty());
  auto upload_face = [&](int row) {
    auto put = api_->call("PUT", "/api/v1/cases/" + by_row[row]["case_id"].get<std::string>() + "/documents/face", face,
                          by_row[row]["token"], "image/png");
    EXPECT_EQ(put.status, 200) << put.body;
  };
  upload_face(2);
  // One employee has not done the check: nothing is submitted, the answer lists the row.
  auto refused = api_->call("POST", std::string(kPrefix) + "/batches/" + batch + "/submit", "", hr);
  ASSERT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(error_code(refused), "BATCH_INCOMPLETE");
  EXPECT_EQ(refused.json()["rows"], Json::array({3}));
  std::string reviewer = login("reviewer", "entother");
  EXPECT_EQ(case_status(by_row[2]["case_id"], reviewer), "collecting");
  EXPECT_EQ(api_->call("GET", std::string(kPrefix) + "/batches/" + batch + "/rows", "", reviewer).status, 404);
  // Once everyone is done the whole batch goes.
  upload_face(3);
  auto sub = api_->call("POST", std::string(kPrefix) + "/batches/" + batch + "/submit", "", hr);
  ASSERT_EQ(sub.status, 202) << sub.body;
  EXPECT_EQ(sub.json()["submitted"], 2);
  EXPECT_EQ(sub.json()["incomplete"], 0);
  for (int row : {2, 3}) wait_status(by_row[row]["case_id"], reviewer, "pending_review");

  auto acc = api_->call("POST", std::string(kPrefix) + "/batches/" + batch + "/accept-clean", "", reviewer);
  ASSERT_EQ(acc.status, 200) << acc.body;
  EXPECT_EQ(acc.json()["accepted"], 1);
  ASSERT_EQ(acc.json()["left_for_review"].size(), 1u) << acc.body;
  auto left = acc.json()["left_for_review"][0];
  EXPECT_EQ(left["row"], 3);
  ASSERT_EQ(left["findings"].size(), 1u) << left.dump();
  EXPECT_EQ(left["findings"][0]["verifier"], "id_number");
  EXPECT_EQ(left["findings"][0]["outcome"], "needs_review");
  EXPECT_EQ(case_status(by_row[2]["case_id"], reviewer), "verified");
  EXPECT_EQ(case_status(by_row[3]["case_id"], reviewer), "pending_review");
  auto view = api_->call("GET", "/api/v1/review/" + by_row[3]["case_id"].get<std::string>(), "", reviewer).json();
  EXPECT_TRUE(view["decisions"].empty());
}

// A host killed (SIGKILL) in the middle of an import: after the restart the accepted upload is
// imported to the end from its stored copy, and no row gets a second case.
TEST_P(EnterpriseFlow, ImportResumesAfterAKill) {
  std::string admin = login("admin", "entprov");
  register_enterprise(admin, "entprov", "acme");
  std::string hr = login("enterprise_hr", "entprov", "acme");
  const int rows = 3000;
  std::string csv = roster_csv(rows, "张三", "138");
  auto up = api_->call("POST", std::string(kPrefix) + "/batches", csv, hr, "text/csv");
  ASSERT_EQ(up.status, 202) << up.body;
  std::string batch = up.json()["batch_id"];
  // Kill once some cases are opened and stored, well before the end.
  Json b;
  for (int i = 0; i < 2000; ++i) {
    b = api_->call("GET", std::string(kPrefix) + "/batches/" + batch, "", hr).json();
    if (b["progress"].value("through_row", 0) > 0 || b.value("state", "") == "ready") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  host_->kill_hard();
  ASSERT_EQ(b.value("state", ""), "importing") << b.dump();
  int opened_before = b["progress"].value("cases_opened", 0);
  ASSERT_GT(opened_before, 0);
  ASSERT_LT(opened_before, rows);

  ASSERT_TRUE(host_->start()) << host_->log_text();
  api_ = std::make_unique<Api>(host_->port());
  b = wait_batch(batch, hr);
  ASSERT_EQ(b["state"], "ready") << b.dump() << host_->log_text();
  EXPECT_EQ(b["summary"]["rows"], rows);
  EXPECT_EQ(b["summary"]["clean_rows"], rows);
  auto rep = api_->call("GET", std::string(kPrefix) + "/batches/" + batch + "/report", "", hr).json();
  EXPECT_TRUE(rep["issues"].empty()) << rep["issues"].dump().substr(0, 500);
  // Every row has exactly one case, with the employee's link; no case of the batch twice.
  std::set<std::string> cases;
  std::set<int> seen_rows;
  for (int offset = 0; offset < rows; offset += 1000) {
    auto page = api_->call("GET", std::string(kPrefix) + "/batches/" + batch + "/employees?links=true&limit=1000&offset=" +
                                      std::to_string(offset),
                           "", hr)
                    .json();
    EXPECT_EQ(page["total"], rows);
    for (const auto& e : page["employees"]) {
      cases.insert(e["case_id"].get<std::string>());
      seen_rows.insert(e["row"].get<int>());
      EXPECT_TRUE(e["token"].get<std::string>().rfind("ct_", 0) == 0 ||
                  e["flags"] == Json::array({"LINK_LOST_ON_RESTART"}))
          << e.dump();
    }
  }
  EXPECT_EQ(cases.size(), static_cast<std::size_t>(rows));
  EXPECT_EQ(seen_rows.size(), static_cast<std::size_t>(rows));
  // The audit chain holds across the kill (one case_opened record per case).
  std::string out;
  EXPECT_EQ(ctl({"audit", "verify"}, out), 0) << out;
}

// A resumed import adopts the cases the stopped import opened but never recorded: a kill after
// open_many committed a chunk and before the chunk's rows were stored. That window is made exactly
// through the host's own record store (the host stopped): the last row record dropped, the batch
// back to `importing` at the previous durable row, the upload kept as the channel keeps it. After
// the restart those rows get their existing cases (no second case, no ROSTER_ID_EXISTING_CASE)
// flagged LINK_LOST_ON_RESTART; HR then re-issues such a link, and any link, which ends the old one.
TEST_P(EnterpriseFlow, ResumedImportAdoptsOrphanCasesAndHrReissuesLinks) {
  std::string admin = login("admin", "entprov");
  register_enterprise(admin, "entprov", "acme");
  register_enterprise(admin, "entprov", "other");
  std::string hr = login("enterprise_hr", "entprov", "acme");
  std::string other_hr = login("enterprise_hr", "entprov", "other");
  const int rows = 620;  // two row records: rows 2..501 and 502..621
  std::string csv = roster_csv(rows, "李四", "139");
  auto b = import(csv, hr);
  ASSERT_EQ(b["state"], "ready") << b.dump();
  const std::string batch = b["id"];
  auto before = employees_by_row(batch, hr);
  ASSERT_EQ(before.size(), static_cast<std::size_t>(rows));
  ASSERT_EQ(host_->stop(), 0) << host_->log_text();
  {
    auto db = storage::Database::open(database_url(), 1);
    ASSERT_TRUE(db.ok()) << db.error().message;
    auto keys = crypto::Keyring::load_or_create(host_->work_dir() + "/keys/keyring.json");
    ASSERT_TRUE(keys.ok()) << keys.error().message;
    storage::RecordRepo records(**db, *keys);
    ASSERT_TRUE(records.remove("enterprise.rows", batch + "/000001").ok());
    ASSERT_TRUE(records.remove("enterprise.report", batch).ok());
    auto stored = records.get("enterprise.batch", batch);
    ASSERT_TRUE(stored.has_value());
    Json sb = *stored;
    sb["state"] = "importing";
    sb["progress"]["through_row"] = 501;
    sb["progress"]["cases_opened"] = 500;
    sb.erase("summary");
    ASSERT_TRUE(records.put("enterprise.batch", batch, sb, "entprov/acme").ok());
    std::string hex;
    for (unsigned char c : csv) {
      hex += "0123456789abcdef"[c >> 4];
      hex += "0123456789abcdef"[c & 15];
    }
    ASSERT_TRUE(records.put("enterprise.upload", batch + "/000000", {{"hex", hex}}, batch).ok());
  }
  ASSERT_TRUE(host_->start()) << host_->log_text();
  api_ = std::make_unique<Api>(host_->port());
  b = wait_batch(batch, hr);
  ASSERT_EQ(b["state"], "ready") << b.dump() << host_->log_text();
  EXPECT_EQ(b["summary"]["rows"], rows);
  EXPECT_EQ(b["summary"]["clean_rows"], rows);
  auto rep = api_->call("GET", std::string(kPrefix) + "/batches/" + batch + "/report", "", hr).json();
  EXPECT_TRUE(rep["issues"].empty()) << rep["issues"].dump().substr(0, 500);
  auto after = employees_by_row(batch, hr);
  ASSERT_EQ(after.size(), static_cast<std::size_t>(rows));
  for (const auto& [row, e] : after) {
    EXPECT_EQ(e["case_id"], before[row]["case_id"]) << row;  // the same case, none opened twice
    if (row <= 501) {
      EXPECT_EQ(e["token"], before[row]["token"]) << row;
      EXPECT_TRUE(e["flags"].empty()) << e.dump();
    } else {
      EXPECT_EQ(e["token"], "") << row;
      EXPECT_EQ(e["flags"], Json::array({"LINK_LOST_ON_RESTART"})) << e.dump();
    }
  }

  // HR re-issues the lost link: the new token opens the employee's case.
  const std::string link = std::string(kPrefix) + "/batches/" + batch + "/employees/600/link";
  EXPECT_EQ(api_->call("POST", link, "", other_hr).status, 404);  // another enterprise's HR
  EXPECT_EQ(api_->call("POST", link, "", admin).status, 403);     // HR only
  auto bad = api_->call("POST", std::string(kPrefix) + "/batches/" + batch + "/employees/x1/link", "", hr);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["error"]["code"], "ROW_INVALID");
  auto missing = api_->call("POST", std::string(kPrefix) + "/batches/" + batch + "/employees/9999/link", "", hr);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.json()["error"]["code"], "ROW_NOT_FOUND");
  EXPECT_FALSE(missing.json()["error"].value("message_zh", "").empty());
  auto re = api_->call("POST", link, "", hr);
  ASSERT_EQ(re.status, 200) << re.body;
  std::string token = re.json()["token"], case_id = before[600]["case_id"];
  EXPECT_EQ(token.rfind("ct_", 0), 0u);
  EXPECT_EQ(re.json()["case_id"], case_id);
  EXPECT_TRUE(re.json()["flags"].empty());
  EXPECT_EQ(api_->call("GET", "/api/v1/cases/" + case_id, "", token).status, 200);
  auto row600 = employees_by_row(batch, hr)[600];
  EXPECT_EQ(row600["token"], token);
  EXPECT_TRUE(row600["flags"].empty());

  // Re-issuing a working link ends the old one.
  std::string old = before[2]["token"], case2 = before[2]["case_id"];
  ASSERT_EQ(api_->call("GET", "/api/v1/cases/" + case2, "", old).status, 200);
  auto re2 = api_->call("POST", std::string(kPrefix) + "/batches/" + batch + "/employees/2/link", "", hr);
  ASSERT_EQ(re2.status, 200) << re2.body;
  std::string fresh = re2.json()["token"];
  EXPECT_NE(fresh, old);
  EXPECT_NE(api_->call("GET", "/api/v1/cases/" + case2, "", old).status, 200);
  EXPECT_EQ(api_->call("GET", "/api/v1/cases/" + case2, "", fresh).status, 200);

  // The exam office's operator re-issues a lost link on the server (shimingctl), its province only.
  std::string ctl_out;
  EXPECT_NE(ctl({"enterprise", "reissue-link", "--province", "entother", "--batch", batch, "--row", "601"}, ctl_out), 0);
  ASSERT_EQ(ctl({"enterprise", "reissue-link", "--province", "entprov", "--batch", batch, "--row", "601", "--json"},
                ctl_out),
            0)
      << ctl_out;
  Json by_ctl;
  std::istringstream lines(ctl_out);
  for (std::string line; std::getline(lines, line);)  // the JSON answer, not a log line
    if (line.find("\"case_url\"") != std::string::npos) by_ctl = Json::parse(line);
  ASSERT_TRUE(by_ctl.is_object()) << ctl_out;
  std::string case601 = before[601]["case_id"];
  EXPECT_EQ(by_ctl["case_id"], case601);
  EXPECT_EQ(api_->call("GET", "/api/v1/cases/" + case601, "", by_ctl["token"].get<std::string>()).status, 200);
  auto row601 = employees_by_row(batch, hr)[601];
  EXPECT_EQ(row601["token"], by_ctl["token"]);
  EXPECT_TRUE(row601["flags"].empty()) << row601.dump();
  auto trail601 = api_->call("GET", "/api/v1/review/" + case601, "", admin).json()["audit"];
  EXPECT_EQ(trail601.back()["action"], "citizen_token_reissued") << trail601.dump();
  EXPECT_EQ(trail601.back()["actor"], "admin:shimingctl");

  // Each re-issue is in the case's audit trail, by the HR account, and the chain holds.
  auto view = api_->call("GET", "/api/v1/review/" + case2, "", admin).json();
  int reissued = 0;
  for (const auto& a : view["audit"])
    if (a["action"] == "citizen_token_reissued") {
      ++reissued;
      EXPECT_EQ(a["actor"].get<std::string>().rfind("enterprise_hr:", 0), 0u) << a.dump();
    }
  EXPECT_EQ(reissued, 1) << view["audit"].dump();
  std::string out;
  EXPECT_EQ(ctl({"audit", "verify"}, out), 0) << out;
}

INSTANTIATE_TEST_SUITE_P(Databases, EnterpriseFlow, ::testing::Values("sqlite", "mariadb"));

}  // namespace
}  // namespace shiming::testing
