// The overseas channel end to end against the real shiming-host binary: the overseas and
// passport_mrz plugins from their .so files, HTTP over loopback, SQLite, a generated passport page.
#include <chrono>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "host_process.h"
#include "shiming/mrz/mrz_reader.h"
#include "shiming/mrz/passport_generator.h"
#include "test_support.h"

namespace shiming::testing {
namespace {

using Json = nlohmann::json;

std::string config() { return std::string(SHIMING_SOURCE_DIR) + "/tests/integration/config-overseas/host.yaml"; }

// A generated page the reader reads confidently, valid on the exam date (2031-03-01).
const mrz::gen::Sample& passport() {
  static const mrz::gen::Sample s = [] {
    for (std::uint64_t seed = 200; seed < 300; ++seed) {
      auto sample = mrz::gen::make_sample(seed);
      if (sample.identity.expiry < "2031-03-02") continue;
      auto r = mrz::read_mrz(sample.jpeg);
      if (r.ok() && r->confident() && r->parsed->lines[1] == sample.lines[1] && r->parsed->lines[0] == sample.lines[0])
        return sample;
    }
    return mrz::gen::Sample{};
  }();
  return s;
}

class OverseasFlow : public ::testing::Test {
 protected:
  void SetUp() override {
    HostProcessOptions o;
    o.config_file = config();
    host_ = std::make_unique<HostProcess>(o);
    ASSERT_TRUE(host_->start()) << host_->log_text();
    api_ = std::make_unique<Api>(host_->port());
    rng_.seed(std::random_device{}());
  }

  std::string staff_token(const std::string& role) {
    std::string name = role + "_" + std::to_string(rng_());
    std::string out;
    int rc = run_ctl({"--config", config(), "--database", "sqlite:" + host_->work_dir() + "/shiming.db", "user", "add",
                      name, "--province", "ovprov", "--role", role},
                     "correct horse battery staple\n", out);
    EXPECT_EQ(rc, 0) << out;
    auto r = api_->json("POST", "/api/v1/auth/login", {{"username", name}, {"password", "correct horse battery staple"}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().value("token", "");
  }

  // Polls until the pipeline has run (the case left collecting/submitted).
  Json wait_for_pipeline(const std::string& id, const std::string& token) {
    Json last;
    for (int i = 0; i < 600; ++i) {
      last = api_->call("GET", "/api/v1/cases/" + id, "", token).json();
      std::string st = last.value("status", "");
      if (st != "collecting" && st != "submitted" && !st.empty()) return last;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return last;
  }

  std::unique_ptr<HostProcess> host_;
  std::unique_ptr<Api> api_;
  std::mt19937 rng_;
};

TEST_F(OverseasFlow, PassportContactBookingSubmitReview) {
  const auto& s = passport();
  ASSERT_FALSE(s.jpeg.empty()) << "no generated passport page read confidently";
  std::string id_number = make_id_number(rng_, "110105", "19900307", s.identity.sex == "M" ? 'M' : 'F');
  Json open = {{"province", "ovprov"}, {"exam_session", "2026-11"}, {"name", s.identity.name_zh},
               {"id_number", id_number}, {"sex", s.identity.sex}, {"phone", "+14155550100"},
               {"passport_number", s.identity.document_number}, {"surname", s.identity.surname},
               {"given_names", s.identity.given_names}, {"birth", s.identity.birth}, {"utc_offset", "-07:00"}};
  auto r = api_->json("POST", "/api/v1/channels/overseas/cases", open);
  ASSERT_EQ(r.status, 201) << r.body;
  std::string id = r.json()["case_id"], token = r.json()["citizen_token"];

  // Slots in the candidate's offset.
  r = api_->call("GET", "/api/v1/channels/overseas/provinces/ovprov/video-slots?utc_offset=-07:00");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["slots"][0]["start"], "2030-05-31T18:00:00-07:00");

  std::string jpeg(s.jpeg.begin(), s.jpeg.end());
  r = api_->call("PUT", "/api/v1/cases/" + id + "/documents/passport", jpeg, token, "image/jpeg");
  ASSERT_EQ(r.status, 200) << r.body;
  r = api_->call("POST", "/api/v1/cases/" + id + "/submit", "", token);
  EXPECT_EQ(error_code(r), "MISSING_DOCUMENT") << r.body;
  r = api_->call("PUT", "/api/v1/cases/" + id + "/documents/embassy-certificate", make_photo(), token, "image/jpeg");
  ASSERT_EQ(r.status, 200) << r.body;
  r = api_->call("POST", "/api/v1/cases/" + id + "/submit", "", token);
  EXPECT_EQ(error_code(r), "CONTACT_MISSING") << r.body;
  r = api_->json("PUT", "/api/v1/channels/overseas/cases/" + id + "/contact",
                 {{"name", "李四"}, {"relationship", "父亲"}, {"phone", "13812345678"}}, token);
  ASSERT_EQ(r.status, 200) << r.body;
  r = api_->call("POST", "/api/v1/cases/" + id + "/submit", "", token);
  EXPECT_EQ(error_code(r), "VIDEO_NOT_BOOKED") << r.body;
  r = api_->json("POST", "/api/v1/channels/overseas/cases/" + id + "/video-booking",
                 {{"slot", "2030-06-01T09:00:00+08:00"}}, token);
  ASSERT_EQ(r.status, 200) << r.body;
  r = api_->call("POST", "/api/v1/cases/" + id + "/submit", "", token);
  ASSERT_LT(r.status, 300) << r.body;

  Json c = wait_for_pipeline(id, token);
  ASSERT_EQ(c.value("status", ""), "pending_review") << c.dump();
  bool mrz_passed = false;
  for (const auto& f : c.value("findings", Json::array()))
    if (f.value("verifier", "") == "passport_mrz") mrz_passed = f.value("outcome", "") == "pass";
  EXPECT_TRUE(mrz_passed) << c.dump();

  // The reviewer holds the video session and records it, then decides.
  std::string reviewer = staff_token("reviewer");
  r = api_->json("POST", "/api/v1/channels/overseas/cases/" + id + "/video-session",
                 {{"link", "https://video.example.invalid/room/1"}}, reviewer);
  ASSERT_EQ(r.status, 200) << r.body;
  r = api_->json("POST", "/api/v1/channels/overseas/cases/" + id + "/video-outcome",
                 {{"outcome", "passed"}, {"note", "face matches the passport"}, {"recording_ref", "rec-1"}}, token);
  EXPECT_EQ(r.status, 403) << r.body;  // a citizen cannot record the outcome
  r = api_->json("POST", "/api/v1/channels/overseas/cases/" + id + "/video-outcome",
                 {{"outcome", "passed"}, {"note", "face matches the passport"}, {"recording_ref", "rec-1"}}, reviewer);
  ASSERT_EQ(r.status, 200) << r.body;
  r = api_->call("GET", "/api/v1/channels/overseas/cases/" + id + "/overseas", "", token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["video"]["outcome"], "passed");
  EXPECT_FALSE(r.json()["video"].contains("note"));
  r = api_->json("POST", "/api/v1/review/" + id + "/decision", {{"decision", "approve"}}, reviewer);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["status"], "verified");
}

TEST_F(OverseasFlow, ExpiredPassportFailsTheStep) {
  // A page whose passport expires before the exam date (2031-03-01).
  mrz::gen::Sample s;
  for (std::uint64_t seed = 300; seed < 400; ++seed) {
    auto sample = mrz::gen::make_sample(seed);
    if (sample.identity.expiry >= "2031-03-01") continue;
    auto rr = mrz::read_mrz(sample.jpeg);
    if (rr.ok() && rr->confident() && rr->parsed->lines == std::vector<std::string>{sample.lines[0], sample.lines[1]}) {
      s = sample;
      break;
    }
  }
  ASSERT_FALSE(s.jpeg.empty());
  Json open = {{"province", "ovprov"}, {"exam_session", "2026-11"}, {"name", s.identity.name_zh},
               {"id_number", make_id_number(rng_, "110105", "19900307", s.identity.sex == "M" ? 'M' : 'F')},
               {"sex", s.identity.sex}, {"phone", "+14155550100"},
               {"passport_number", s.identity.document_number}, {"surname", s.identity.surname},
               {"given_names", s.identity.given_names}, {"birth", s.identity.birth}};
  auto r = api_->json("POST", "/api/v1/channels/overseas/cases", open);
  ASSERT_EQ(r.status, 201) << r.body;
  std::string id = r.json()["case_id"], token = r.json()["citizen_token"];
  std::string jpeg(s.jpeg.begin(), s.jpeg.end());
  ASSERT_EQ(api_->call("PUT", "/api/v1/cases/" + id + "/documents/passport", jpeg, token, "image/jpeg").status, 200);
  ASSERT_EQ(api_->call("PUT", "/api/v1/cases/" + id + "/documents/embassy-certificate", make_photo(), token, "image/jpeg").status, 200);
  api_->json("PUT", "/api/v1/channels/overseas/cases/" + id + "/contact",
             {{"name", "李四"}, {"relationship", "母亲"}, {"phone", "13812345678"}}, token);
  api_->json("POST", "/api/v1/channels/overseas/cases/" + id + "/video-booking", {{"slot", "2030-06-01T10:00:00+08:00"}}, token);
  r = api_->call("POST", "/api/v1/cases/" + id + "/submit", "", token);
  ASSERT_LT(r.status, 300) << r.body;
  Json c = wait_for_pipeline(id, token);
  std::string reasons;
  for (const auto& f : c.value("findings", Json::array()))
    if (f.value("verifier", "") == "passport_mrz")
      for (const auto& reason : f.value("reasons", Json::array())) reasons += reason.value("code", "") + " ";
  EXPECT_NE(reasons.find("PASSPORT_EXPIRED"), std::string::npos) << c.dump();
}

}  // namespace
}  // namespace shiming::testing
