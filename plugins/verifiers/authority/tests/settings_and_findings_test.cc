#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "authority_settings.h"
#include "findings.h"
#include "https_client.h"

namespace shiming::authority {
namespace {

class Settings : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() / ("shiming-authority-settings-" + random_hex(6));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "k") << "a-signing-key-of-32-bytes-length\n";
    std::ofstream(dir / "short") << "short";
  }
  void TearDown() override { std::filesystem::remove_all(dir); }

  nlohmann::json params() const {
    return {{"endpoint", "https://gateway.example:8443"}, {"client_id", "bj"},
            {"hmac_key_file", (dir / "k").string()}, {"ca_file", "ca.pem"},
            {"client_cert_file", "c.pem"}, {"client_key_file", "c.key"}};
  }
  std::string error_of(const nlohmann::json& p) {
    auto r = parse_authority_settings(p);
    return r.ok() ? "" : r.error().code + " " + r.error().field;
  }
  std::filesystem::path dir;
};

TEST_F(Settings, DefaultsAndSecretFromFile) {
  auto s = parse_authority_settings(params());
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->tls.host, "gateway.example");
  EXPECT_EQ(s->tls.port, "8443");
  EXPECT_EQ(s->hmac_key, "a-signing-key-of-32-bytes-length");  // newline trimmed
  EXPECT_EQ(s->max_attempts, 3);
  EXPECT_EQ(s->retry_after, std::chrono::seconds(60));
  EXPECT_EQ(s->answers.on_photo_mismatch, sdk::Outcome::needs_review);
}

TEST_F(Settings, SecretFromEnvironment) {
  auto p = params();
  p.erase("hmac_key_file");
  p["hmac_key_env"] = "SHIMING_AUTHORITY_SETTINGS_TEST_KEY";
  ::unsetenv("SHIMING_AUTHORITY_SETTINGS_TEST_KEY");
  EXPECT_EQ(error_of(p), "AUTHORITY_SECRET_UNREADABLE hmac_key_env");
  ::setenv("SHIMING_AUTHORITY_SETTINGS_TEST_KEY", "env-signing-key-0123456789", 1);
  auto s = parse_authority_settings(p);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->hmac_key, "env-signing-key-0123456789");
}

// Relative files lie under the host's data directory (SDK 1.2), not the working directory;
// absolute ones stay as they are.
TEST_F(Settings, RelativeFilesAreResolvedAgainstTheDataDirectory) {
  auto p = params();
  p["hmac_key_file"] = "k";
  EXPECT_EQ(error_of(p), "AUTHORITY_SECRET_UNREADABLE hmac_key_file");  // not in the working directory
  auto s = parse_authority_settings(p, dir.string());
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->hmac_key, "a-signing-key-of-32-bytes-length");
  EXPECT_EQ(s->tls.ca_file, (dir / "ca.pem").string());
  EXPECT_EQ(s->tls.client_cert_file, (dir / "c.pem").string());
  EXPECT_EQ(s->tls.client_key_file, (dir / "c.key").string());
  p["ca_file"] = "/etc/ssl/gateway-ca.pem";
  p["client_key_file"] = "tls/../tls/c.key";
  s = parse_authority_settings(p, dir.string());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->tls.ca_file, "/etc/ssl/gateway-ca.pem");
  EXPECT_EQ(s->tls.client_key_file, (dir / "tls" / "c.key").string());
}

TEST_F(Settings, ClearErrors) {
  auto p = params();
  p.erase("endpoint");
  EXPECT_EQ(error_of(p), "AUTHORITY_CONFIG_INVALID endpoint");
  p = params();
  p["endpoint"] = "http://gateway.example";
  EXPECT_EQ(error_of(p), "AUTHORITY_CONFIG_INVALID endpoint");
  p["endpoint"] = "https://gateway.example/v1";
  EXPECT_EQ(error_of(p), "AUTHORITY_CONFIG_INVALID endpoint");
  p = params();
  p["hmac_key_env"] = "X";
  EXPECT_EQ(error_of(p), "AUTHORITY_CONFIG_INVALID hmac_key_file");  // both set
  p = params();
  p.erase("hmac_key_file");
  EXPECT_EQ(error_of(p), "AUTHORITY_CONFIG_INVALID hmac_key_file");  // neither set
  p = params();
  p["hmac_key_file"] = (dir / "short").string();
  EXPECT_EQ(error_of(p), "AUTHORITY_SECRET_UNREADABLE hmac_key_file");
  p = params();
  p["max_attempts"] = 0;
  EXPECT_EQ(error_of(p), "AUTHORITY_CONFIG_INVALID max_attempts");
  p = params();
  p["photo_mismatch_outcome"] = "pass";
  EXPECT_EQ(error_of(p), "AUTHORITY_CONFIG_INVALID photo_mismatch_outcome");
  p = params();
  p["send_photo"] = "yes";
  EXPECT_EQ(error_of(p), "AUTHORITY_CONFIG_INVALID send_photo");
  p = params();
  p["client_id"] = "";
  EXPECT_EQ(error_of(p), "AUTHORITY_CONFIG_INVALID client_id");
}

TEST_F(Settings, ErrorMessagesNeverContainTheSecret) {
  auto p = params();
  p["max_attempts"] = 99;
  auto r = parse_authority_settings(p);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.find("a-signing-key"), std::string::npos);
  EXPECT_FALSE(r.error().message_zh.empty());
}

TEST(Findings, EveryAnswerHasItsOutcomeCodeAndAdvice) {
  AnswerPolicy policy;
  struct Case { Answer a; sdk::Outcome o; const char* code; };
  for (auto c : {Case{Answer::name_mismatch, sdk::Outcome::fail, "AUTHORITY_NAME_MISMATCH"},
                 Case{Answer::id_not_found, sdk::Outcome::fail, "AUTHORITY_ID_NOT_FOUND"},
                 Case{Answer::id_cancelled, sdk::Outcome::fail, "AUTHORITY_ID_CANCELLED"},
                 Case{Answer::photo_mismatch, sdk::Outcome::needs_review, "AUTHORITY_PHOTO_MISMATCH"}}) {
    auto f = finding_for_answer(c.a, 0.2, policy);
    EXPECT_EQ(f.outcome, c.o) << c.code;
    ASSERT_EQ(f.reasons.size(), 1u);
    EXPECT_EQ(f.reasons[0].code, c.code);
    EXPECT_FALSE(f.reasons[0].message.empty());
    EXPECT_FALSE(f.reasons[0].message_zh.empty());
    EXPECT_FALSE(f.reasons[0].advice.empty());
    EXPECT_FALSE(f.reasons[0].advice_zh.empty());
  }
  auto m = finding_for_answer(Answer::match, 0.93, policy);
  EXPECT_EQ(m.outcome, sdk::Outcome::pass);
  EXPECT_DOUBLE_EQ(m.score, 0.93);
  policy.on_id_cancelled = sdk::Outcome::needs_review;
  EXPECT_EQ(finding_for_answer(Answer::id_cancelled, {}, policy).outcome, sdk::Outcome::needs_review);
  auto w = waiting_finding("AUTHORITY_UNAVAILABLE", "x", std::chrono::seconds(42));
  EXPECT_EQ(w.outcome, sdk::Outcome::retry);
  EXPECT_EQ(w.retry_after.count(), 42);
}

TEST(HttpsClientTest, MissingFilesAreTlsConfigErrors) {
  HttpsClientOptions o;
  o.host = "127.0.0.1";
  o.ca_file = "/nonexistent/ca.pem";
  auto c = HttpsClient::create(o);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, "TLS_CONFIG");
  EXPECT_NE(c.error().message.find("/nonexistent/ca.pem"), std::string::npos);
}

}  // namespace
}  // namespace shiming::authority
