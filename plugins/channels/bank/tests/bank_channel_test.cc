// The bank channel with the SDK's fakes: every refusal code of the signed API, a good
// submission, polling, idempotent references, status changes queued as webhooks.
#include <gtest/gtest.h>
#include <sodium.h>

#include <filesystem>
#include <fstream>

#include <shiming/sdk/testing/fakes.h>

#include "bank_channel.h"
#include "request_signing.h"

namespace shiming::bank {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

class BankChannelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    dir_ = fs::temp_directory_path() / ("shiming-bank-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    crypto_sign_keypair(pk_.data(), sk_.data());
    std::ofstream(dir_ / "icbc.pub") << b64(std::string(reinterpret_cast<const char*>(pk_.data()), 32)) << "\n";
    std::ofstream(dir_ / "abc.secret") << secret_ << "\n";
    Json icbc = {{"code", "ICBC"}, {"name", "工商银行"}, {"branches", {"B001"}}, {"public_key_file", (dir_ / "icbc.pub").string()},
                 {"callback_url", "http://127.0.0.1:9/hook"}};
    Json abc = {{"code", "ABC"}, {"name", "农业银行"}, {"branches", {"A1"}}, {"auth", "hmac_sha256"},
                {"hmac_secret_file", (dir_ / "abc.secret").string()}};
    Json off = {{"code", "OFF"}, {"name", "停用银行"}, {"branches", {"O1"}}, {"enabled", false}, {"auth", "hmac_sha256"},
                {"hmac_secret_file", (dir_ / "abc.secret").string()}};
    Json tls = {{"code", "TLS"}, {"name", "证书银行"}, {"branches", {"T1"}}, {"auth", "hmac_sha256"}, {"mutual_tls", true},
                {"client_cert_subject", "CN=tls-bank"}, {"hmac_secret_file", (dir_ / "abc.secret").string()}};
    host_.settings[{"p1", "bank"}] = Json{{"partner_banks", {icbc, abc, off, tls}}};
    host_.settings[{"p2", "bank"}] = Json{{"partner_banks", Json::array()}};
    config_ = {{"background_delivery", false}, {"allow_http_callbacks", true}, {"callback_timeout_seconds", 1}};
    channel_ = std::make_unique<BankChannel>(sdk::PluginInit{config_, host_});
  }
  void TearDown() override {
    channel_.reset();
    fs::remove_all(dir_);
  }

  Json body(const std::string& reference = "R1", const std::string& branch = "B001") {
    Json doc = {{"content_type", "image/jpeg"}, {"data", b64("\xff\xd8\xff\xe0 fake jpeg")}};
    return {{"reference", reference}, {"branch_code", branch}, {"operator_id", "op7"}, {"exam_session", "2026-11"},
            {"identity", {{"name", "李四"}, {"id_number", "110105199003070011"}, {"sex", "M"}, {"phone", "13800000000"}}},
            {"documents", {{"id-front", doc}, {"id-back", doc}, {"face", doc}}}};
  }
  // A request signed like a bank's client would sign it.
  sdk::HttpRequest signed_request(const std::string& method, const std::string& path, const std::string& payload,
                                  const std::string& key_id = "ICBC", const std::string& province = "p1",
                                  long long ts_offset = 0, std::string nonce = "") {
    sdk::HttpRequest r;
    r.method = method;
    r.path = path;
    r.body = payload;
    r.actor = {"anonymous", "", "", ""};
    if (nonce.empty()) nonce = "n" + std::to_string(++counter_) + "-abcdefghijklmnop";
    std::string ts = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                        host_.clock().now().time_since_epoch()).count() + ts_offset);
    std::string m = canonical_request(method, path, province, ts, nonce, payload);
    std::string sig = key_id == "ICBC" ? sign_ed25519(m, sk_) : sign_hmac_sha256(m, secret_);
    r.headers = {{"X-Shiming-Province", province}, {"X-Shiming-Key-Id", key_id}, {"X-Shiming-Timestamp", ts},
                 {"X-Shiming-Nonce", nonce}, {"X-Shiming-Signature", sig}};
    return r;
  }
  sdk::HttpResponse post(sdk::HttpRequest r) { return channel_->handle("submit", r); }
  static std::string code(const sdk::HttpResponse& r) { return Json::parse(r.body)["error"].value("code", ""); }
  const std::string path_ = "/api/v1/channels/bank/submissions";

  fs::path dir_;
  std::array<std::uint8_t, 32> pk_{};
  std::array<std::uint8_t, 64> sk_{};
  std::string secret_ = std::string(48, 'h');
  int counter_ = 0;
  Json config_;
  sdk::testing::FakeHost host_;
  std::unique_ptr<BankChannel> channel_;
};

TEST_F(BankChannelTest, ASignedSubmissionOpensAndSubmitsACaseAndCanBePolled) {
  auto r = post(signed_request("POST", path_, body().dump()));
  ASSERT_EQ(r.status, 202) << r.body;
  auto j = Json::parse(r.body);
  EXPECT_EQ(j["status"], "submitted");
  ASSERT_EQ(host_.fake_cases().submitted.size(), 1u);
  auto c = host_.fake_cases().cases.at(j["case_id"]);
  EXPECT_EQ(c.channel, "bank");
  EXPECT_EQ(host_.evidence().kinds(c.id).size(), 3u);
  auto poll = signed_request("GET", path_ + "/" + j["submission_id"].get<std::string>(), "");
  poll.params = {{"id", j["submission_id"]}};
  auto p = channel_->handle("poll", poll);
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(Json::parse(p.body)["case_id"], j["case_id"]);
  // The same reference again is answered from the record, no second case.
  auto again = post(signed_request("POST", path_, body().dump()));
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(host_.fake_cases().cases.size(), 1u);
  // Another bank polling it: not found.
  auto other = signed_request("GET", path_ + "/" + j["submission_id"].get<std::string>(), "", "ABC");
  other.params = {{"id", j["submission_id"]}};
  EXPECT_EQ(code(channel_->handle("poll", other)), "SUBMISSION_NOT_FOUND");
}

TEST_F(BankChannelTest, EachRefusalHasItsOwnCode) {
  auto good = body().dump();
  sdk::HttpRequest unsigned_req;
  unsigned_req.method = "POST";
  unsigned_req.path = path_;
  unsigned_req.body = good;
  EXPECT_EQ(code(post(unsigned_req)), "SIGNATURE_MISSING");
  EXPECT_EQ(post(unsigned_req).status, 401);
  auto other_province = post(signed_request("POST", path_, good, "ICBC", "p2"));
  EXPECT_EQ(other_province.status, 403);
  EXPECT_EQ(code(other_province), "BANK_UNKNOWN");
  EXPECT_EQ(code(post(signed_request("POST", path_, good, "ICBC", "p3"))), "CHANNEL_DISABLED");
  EXPECT_EQ(code(post(signed_request("POST", path_, good, "OFF"))), "BANK_DISABLED");
  auto stale = post(signed_request("POST", path_, good, "ICBC", "p1", -301));
  EXPECT_EQ(stale.status, 401);
  EXPECT_EQ(code(stale), "TIMESTAMP_STALE");
  EXPECT_EQ(code(post(signed_request("POST", path_, good, "ICBC", "p1", 400))), "TIMESTAMP_STALE");
  auto tampered = signed_request("POST", path_, good);
  tampered.body[10] ^= 1;
  EXPECT_EQ(code(post(tampered)), "SIGNATURE_INVALID");
  EXPECT_EQ(code(post(signed_request("POST", path_, good, "ICBC", "p1", 0, "short"))), "NONCE_INVALID");
  auto first = signed_request("POST", path_, body("R9", "NOPE").dump());
  auto r1 = post(first);
  EXPECT_EQ(r1.status, 403);
  EXPECT_EQ(code(r1), "BRANCH_UNKNOWN");
  EXPECT_EQ(code(post(first)), "NONCE_REPLAYED");  // the same signed request again
  EXPECT_EQ(code(post(signed_request("POST", path_, body("R2", "T1").dump(), "TLS"))), "CLIENT_CERT_REQUIRED");
  auto wrong_cert = signed_request("POST", path_, body("R2", "T1").dump(), "TLS");
  wrong_cert.client_cert_subject = "CN=someone-else";
  EXPECT_EQ(code(post(wrong_cert)), "CLIENT_CERT_MISMATCH");
  auto no_face = body("R3", "A1");
  no_face["documents"].erase("face");
  EXPECT_EQ(code(post(signed_request("POST", path_, no_face.dump(), "ABC"))), "MISSING_DOCUMENT");
  EXPECT_TRUE(host_.fake_cases().cases.empty());
}

TEST_F(BankChannelTest, HmacBankAndMutualTlsBankAreAccepted) {
  EXPECT_EQ(post(signed_request("POST", path_, body("R1", "A1").dump(), "ABC")).status, 202);
  auto tls = signed_request("POST", path_, body("R2", "T1").dump(), "TLS");
  tls.client_cert_subject = "CN=tls-bank,O=Test";
  auto r = post(tls);
  EXPECT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(host_.fake_cases().submitted.size(), 2u);
}

TEST_F(BankChannelTest, StatusChangesAreQueuedAsWebhooksAndRetried) {
  auto r = post(signed_request("POST", path_, body().dump()));
  ASSERT_EQ(r.status, 202);
  std::string case_id = Json::parse(r.body)["case_id"];
  channel_->tick();  // "submitted" -> webhook to a closed port: stays pending with one attempt
  auto pending = host_.records().list("bank_outbox", "pending");
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].second["attempts"], 1);
  EXPECT_EQ(Json::parse(pending[0].second["body"].get<std::string>())["status"], "submitted");
  host_.fake_cases().cases[case_id].status = "verified";
  channel_->tick();
  EXPECT_EQ(host_.records().list("bank_outbox", "pending").size(), 2u);
  EXPECT_TRUE(host_.records().list("bank_submissions", "active").empty());  // final: no more scans
}

}  // namespace
}  // namespace shiming::bank
