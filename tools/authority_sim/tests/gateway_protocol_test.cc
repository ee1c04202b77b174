// The simulator's side of the protocol, spoken to directly over mutual TLS:
// signatures, timestamps, nonces, idempotency keys, bodies, admin endpoint.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

#include "https_client.h"
#include "shiming/authority/protocol.h"
#include "testing/sim_test_env.h"

namespace shiming::authority_sim::testing {
namespace {

namespace proto = shiming::authority;

class GatewayProtocol : public ::testing::Test {
 protected:
  void SetUp() override {
    proto::HttpsClientOptions o;
    o.host = "127.0.0.1";
    o.port = std::to_string(env.sim->port());
    o.ca_file = env.pki.ca_cert;
    o.client_cert_file = env.pki.client_cert;
    o.client_key_file = env.pki.client_key;
    auto c = proto::HttpsClient::create(o);
    ASSERT_TRUE(c.ok()) << c.error().message;
    client = *c;
  }

  struct Signed {
    std::string ts, nonce, key = "idem-1", body, signature;
    std::string signing_key = "test-province-signing-key-0123456789";
  };

  Signed make(const std::string& body, long long ts_offset = 0) {
    Signed s;
    s.ts = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch()).count() + ts_offset);
    s.nonce = proto::random_hex(16);
    s.body = body;
    s.signature = proto::sign_request(s.signing_key, "POST", proto::kCheckPath, s.ts, s.nonce, body);
    return s;
  }

  proto::TransportResult send(const Signed& s, const std::string& client_id = "test-province") {
    return client->post(std::string(proto::kCheckPath),
                        {{std::string(proto::kHeaderClient), client_id},
                         {std::string(proto::kHeaderTimestamp), s.ts},
                         {std::string(proto::kHeaderNonce), s.nonce},
                         {std::string(proto::kHeaderIdempotencyKey), s.key},
                         {std::string(proto::kHeaderSignature), s.signature}},
                        s.body, "application/json");
  }

  static std::string error_code(const proto::TransportResult& r) {
    auto j = nlohmann::json::parse(r.response.body, nullptr, false);
    if (!j.is_object() || !j.contains("error")) return "-";
    return j["error"]["code"].get<std::string>();
  }

  std::string body(const std::string& id = kLiId, const std::string& name = kLiName) {
    return nlohmann::json{{"request_id", "idem-1"}, {"name", name}, {"id_number", id}}.dump();
  }

  SimEnv env{"sha256"};  // no photos here: skip loading the face models
  std::shared_ptr<proto::HttpsClient> client;
};

TEST_F(GatewayProtocol, SignedRequestIsAnswered) {
  auto r = send(make(body()));
  ASSERT_EQ(r.error, proto::TransportError::none) << r.detail;
  EXPECT_EQ(r.response.status, 200) << r.response.body;
  auto j = nlohmann::json::parse(r.response.body);
  EXPECT_EQ(j["result"], "match");
  EXPECT_EQ(j["request_id"], "idem-1");
}

TEST_F(GatewayProtocol, ReplayedNonceIsRefused) {
  auto s = make(body());
  EXPECT_EQ(send(s).response.status, 200);
  auto again = send(s);
  EXPECT_EQ(again.response.status, 401);
  EXPECT_EQ(error_code(again), "NONCE_REPLAYED");
}

TEST_F(GatewayProtocol, StaleAndFutureTimestampsAreRefused) {
  auto old = send(make(body(), -301));
  EXPECT_EQ(old.response.status, 401);
  EXPECT_EQ(error_code(old), "STALE_TIMESTAMP");
  auto future = send(make(body(), +301));
  EXPECT_EQ(error_code(future), "STALE_TIMESTAMP");
  auto s = make(body());
  s.ts = "17e8";
  EXPECT_EQ(error_code(send(s)), "BAD_TIMESTAMP");
}

TEST_F(GatewayProtocol, WrongSignatureIsRefused) {
  auto s = make(body());
  s.signature[0] = s.signature[0] == 'a' ? 'b' : 'a';
  EXPECT_EQ(error_code(send(s)), "BAD_SIGNATURE");
  auto t = make(body());
  t.body = body(kZhangId, kZhangName);  // body changed after signing
  EXPECT_EQ(error_code(send(t)), "BAD_SIGNATURE");
  Signed u;
  u.signing_key = "another-key-of-enough-length!!";
  auto v = make(body());
  v.signature = proto::sign_request(u.signing_key, "POST", proto::kCheckPath, v.ts, v.nonce, v.body);
  EXPECT_EQ(error_code(send(v)), "BAD_SIGNATURE");
}

TEST_F(GatewayProtocol, UnknownClientAndBadNonce) {
  EXPECT_EQ(error_code(send(make(body()), "nobody")), "UNKNOWN_CLIENT");
  auto s = make(body());
  s.nonce = "not-hex";
  EXPECT_EQ(error_code(send(s)), "BAD_NONCE");
}

TEST_F(GatewayProtocol, IdempotencyKeyReplaysTheAnswerAndRefusesAnotherBody) {
  auto first = send(make(body()));
  auto second = send(make(body()));  // same key, fresh nonce
  EXPECT_EQ(second.response.status, 200);
  EXPECT_EQ(second.response.body, first.response.body);
  EXPECT_EQ(env.sim->stats().idempotent_replays.load(), 1u);
  auto other = send(make(body(kZhangId, kZhangName)));
  EXPECT_EQ(other.response.status, 422);
  EXPECT_EQ(error_code(other), "IDEMPOTENCY_KEY_REUSED");
}

TEST_F(GatewayProtocol, MalformedBodiesAreRefused) {
  auto s = make("{\"name\": 1}");
  s.key = "idem-2";
  EXPECT_EQ(error_code(send(s)), "BAD_REQUEST");
  auto t = make(nlohmann::json{{"request_id", "x"}, {"name", "a"}, {"id_number", "b"}, {"photo", "@@@"}}.dump());
  t.key = "idem-3";
  EXPECT_EQ(error_code(send(t)), "BAD_PHOTO");
}

// Plain HTTP to the admin endpoint.
std::pair<int, std::string> admin(unsigned short port, boost::beast::http::verb verb,
                                  const std::string& target, const std::string& body = "") {
  namespace beast = boost::beast;
  namespace http = beast::http;
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::resolver resolver(ioc);
  beast::tcp_stream stream(ioc);
  stream.connect(resolver.resolve("127.0.0.1", std::to_string(port)));
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::content_type, "application/json");
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(stream, buf, res);
  return {static_cast<int>(res.result_int()), res.body()};
}

TEST_F(GatewayProtocol, AdminEndpointSetsFaultsAndRefusesUnknownOnes) {
  using boost::beast::http::verb;
  auto port = env.sim->admin_port();
  ASSERT_NE(port, 0);
  auto [s1, b1] = admin(port, verb::put, "/admin/faults", R"({"unavailable_share": 1.0})");
  EXPECT_EQ(s1, 200) << b1;
  auto r = send(make(body()));
  EXPECT_EQ(r.response.status, 503);
  EXPECT_EQ(nlohmann::json::parse(r.response.body)["result"], "unavailable");
  EXPECT_EQ(r.response.retry_after, "1");

  auto [s2, b2] = admin(port, verb::put, "/admin/faults", R"({"unavailable_shar": 1.0})");
  EXPECT_EQ(s2, 400);
  EXPECT_NE(b2.find("SIM_FAULTS_INVALID"), std::string::npos);
  auto [s3, b3] = admin(port, verb::put, "/admin/faults", R"({"reset_share": 2})");
  EXPECT_EQ(s3, 400);
  auto [s4, b4] = admin(port, verb::put, "/admin/faults", R"({"unavailable_share": 0})");
  EXPECT_EQ(s4, 200);
  auto [s5, b5] = admin(port, verb::get, "/admin/stats");
  EXPECT_EQ(s5, 200);
  EXPECT_EQ(nlohmann::json::parse(b5)["injected"]["unavailable"], 1);
}

TEST(SimConfig, ErrorsNameFileLineAndColumn) {
  auto dir = std::filesystem::temp_directory_path() / "shiming-authority-config-test";
  std::filesystem::create_directories(dir);
  write_file((dir / "bad.yaml").string(),
             "tls: {cert_file: a, key_file: b, client_ca_file: c}\nregistry: r.yaml\nclients:\n"
             "  - {id: x, cert_subject_cn: y, hmac_key_file: k}\nlisten: {adress: 1}\n");
  auto c = load_sim_config((dir / "bad.yaml").string());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, "SIM_CONFIG_INVALID");
  EXPECT_NE(c.error().message.find("bad.yaml:5:"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("adress"), std::string::npos);

  write_file((dir / "nokey.yaml").string(),
             "tls: {cert_file: a, key_file: b, client_ca_file: c}\nregistry: r.yaml\nclients:\n"
             "  - {id: x, cert_subject_cn: y, hmac_key_env: SHIMING_SIM_TEST_UNSET_VAR}\n");
  auto d = load_sim_config((dir / "nokey.yaml").string());
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message.find("SHIMING_SIM_TEST_UNSET_VAR"), std::string::npos);

  write_file((dir / "reg.yaml").string(), "citizens:\n  - {id_number: \"1\", name: A, status: gone}\n");
  auto r = Registry::load((dir / "reg.yaml").string());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("reg.yaml:2:"), std::string::npos) << r.error().message;
  std::filesystem::remove_all(dir);
}

TEST(SampleConfig, TheShippedRegistryLoads) {
  auto r = Registry::load(std::string(SHIMING_SOURCE_DIR) + "/config/authority-sim/registry.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_GE(r->size(), 5u);
}

TEST(ReplayGuardTest, ForgetsOnlyAfterTheWindow) {
  ReplayGuard g(600);
  EXPECT_TRUE(g.first_use("a", "n1", 1000));
  EXPECT_FALSE(g.first_use("a", "n1", 1500));
  EXPECT_TRUE(g.first_use("b", "n1", 1500));  // nonces are per client
  EXPECT_TRUE(g.first_use("a", "n2", 1700));  // n1 (t=1000) expires now
  EXPECT_TRUE(g.first_use("a", "n1", 1700));
}

}  // namespace
}  // namespace shiming::authority_sim::testing
