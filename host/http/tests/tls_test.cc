#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <openssl/ssl.h>

#include <gtest/gtest.h>

#include "http/server.h"
#include "test_client.h"
#include "test_server.h"

namespace shiming::http {
namespace {

namespace fs = std::filesystem;
using testing::ClientOptions;
using testing::RunningServer;
using testing::TestClient;

// Certificates made once per test program with the openssl command line:
// a CA, a server certificate, a client certificate from the CA, and a client
// certificate from an unrelated CA.
class TlsEnv {
 public:
  static TlsEnv& get() {
    static TlsEnv env;
    return env;
  }
  ~TlsEnv() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  fs::path dir;
  std::string file(const char* name) const { return (dir / name).string(); }

 private:
  TlsEnv() {
    dir = fs::temp_directory_path() / ("shiming-http-tls-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string d = dir.string();
    const std::string key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    run("openssl req -x509 " + key + " -keyout " + d + "/ca.key -out " + d + "/ca.crt -days 2 -subj '/CN=Shiming Test CA'");
    run("openssl req -x509 " + key + " -keyout " + d + "/other-ca.key -out " + d + "/other-ca.crt -days 2 -subj '/CN=Other CA'");
    issue("server", "/CN=127.0.0.1", "ca");
    issue("client", "/C=CN/O=Shiming Test/CN=authority-client", "ca");
    issue("stranger", "/CN=stranger", "other-ca");
  }
  void issue(const std::string& name, const std::string& subject, const std::string& ca) {
    const std::string d = dir.string();
    run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + d + "/" + name +
        ".key -out " + d + "/" + name + ".csr -subj '" + subject + "'");
    run("openssl x509 -req -in " + d + "/" + name + ".csr -CA " + d + "/" + ca + ".crt -CAkey " + d + "/" + ca +
        ".key -CAcreateserial -out " + d + "/" + name + ".crt -days 2");
  }
  static void run(const std::string& cmd) {
    if (std::system((cmd + " >/dev/null 2>&1").c_str()) != 0)
      throw std::runtime_error("test set-up failed: " + cmd);
  }
};

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router.add("GET", "/whoami", [](sdk::HttpRequest& r) {
      return sdk::HttpResponse::json(200, {{"subject", r.client_cert_subject}});
    });
  }
  ServerOptions tls_options() {
    ServerOptions o;
    o.tls_cert_file = env.file("server.crt");
    o.tls_key_file = env.file("server.key");
    return o;
  }
  void serve(ServerOptions o) { running = std::make_unique<RunningServer>(router, metrics, std::move(o)); }
  testing::ClientResponse get(ClientOptions co) {
    co.tls = true;
    TestClient c("127.0.0.1", running->port(), co);
    return c.request("GET", "/whoami");
  }
  bool refused(ClientOptions co, std::string* why = nullptr) {
    try {
      get(std::move(co));
      return false;
    } catch (const std::runtime_error& e) {
      if (why) *why = e.what();
      return true;  // handshake failed, or (TLS 1.3) the server dropped us right after it
    }
  }

  TlsEnv& env = TlsEnv::get();
  Router router;
  Metrics metrics;
  std::unique_ptr<RunningServer> running;
};

TEST_F(TlsTest, Tls12ClientSucceedsWithVerifiedServer) {
  serve(tls_options());
  ClientOptions co;
  co.ca_file = env.file("ca.crt");
  co.tls_max_version = TLS1_2_VERSION;
  auto r = get(co);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["subject"], "");
  co.tls_max_version = 0;  // TLS 1.3
  EXPECT_EQ(get(co).status, 200);
}

TEST_F(TlsTest, KeepAliveAndPipeliningOverTls) {
  serve(tls_options());
  ClientOptions co;
  co.tls = true;
  co.ca_file = env.file("ca.crt");
  TestClient c("127.0.0.1", running->port(), co);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(c.request("GET", "/whoami").status, 200);
  c.write_raw("GET /whoami HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(c.read_response().status, 200);
  EXPECT_EQ(c.read_response().status, 404);
  EXPECT_TRUE(c.is_connected());
}

TEST_F(TlsTest, Tls11OnlyClientFails) {
  serve(tls_options());
  ClientOptions co;
  co.tls_min_version = TLS1_1_VERSION;
  co.tls_max_version = TLS1_1_VERSION;
  co.tls12_ciphers = "DEFAULT:@SECLEVEL=0";  // let the client itself speak TLS 1.1
  std::string why;
  EXPECT_TRUE(refused(co, &why));
  // Refused by the server's protocol-version alert, not by the client's own policy.
  EXPECT_NE(why.find("protocol version"), std::string::npos) << why;
}

TEST_F(TlsTest, NonAeadCiphersAreRefused) {
  serve(tls_options());
  ClientOptions co;
  co.tls_max_version = TLS1_2_VERSION;
  co.tls12_ciphers = "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384";  // CBC
  EXPECT_TRUE(refused(co));
  co.tls12_ciphers = "ECDHE-ECDSA-CHACHA20-POLY1305";
  EXPECT_FALSE(refused(co));
}

TEST_F(TlsTest, StartFailsClearlyOnBadFiles) {
  auto start = [this](ServerOptions o) {
    o.port = 0;
    Server s(o, router, metrics);
    return s.start();
  };
  ServerOptions missing = tls_options();
  missing.tls_cert_file = env.file("nope.crt");
  auto s1 = start(missing);
  ASSERT_FALSE(s1.ok());
  EXPECT_EQ(s1.error().code, "TLS_CONFIG");
  EXPECT_NE(s1.error().message.find("nope.crt"), std::string::npos);

  ServerOptions mismatch = tls_options();
  mismatch.tls_key_file = env.file("client.key");
  auto s2 = start(mismatch);
  ASSERT_FALSE(s2.ok());
  EXPECT_EQ(s2.error().code, "TLS_CONFIG");
  EXPECT_NE(s2.error().message.find("does not match"), std::string::npos) << s2.error().message;

  ServerOptions half = tls_options();
  half.tls_key_file.clear();
  EXPECT_EQ(start(half).error().code, "TLS_CONFIG");

  ServerOptions not_pem = tls_options();
  not_pem.tls_cert_file = env.file("server.csr");
  EXPECT_EQ(start(not_pem).error().code, "TLS_CONFIG");

  ServerOptions require_without_ca = tls_options();
  require_without_ca.tls_require_client_cert = true;
  EXPECT_EQ(start(require_without_ca).error().code, "TLS_CONFIG");
}

TEST_F(TlsTest, MutualTlsPassesVerifiedSubject) {
  ServerOptions o = tls_options();
  o.tls_client_ca_file = env.file("ca.crt");
  o.tls_require_client_cert = true;
  serve(o);
  ClientOptions co;
  co.client_cert_file = env.file("client.crt");
  co.client_key_file = env.file("client.key");
  for (int version : {TLS1_2_VERSION, 0}) {
    co.tls_max_version = version;
    auto r = get(co);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.json()["subject"], "CN=authority-client,O=Shiming Test,C=CN");
  }
}

TEST_F(TlsTest, MutualTlsRefusesMissingOrForeignCertificate) {
  ServerOptions o = tls_options();
  o.tls_client_ca_file = env.file("ca.crt");
  o.tls_require_client_cert = true;
  serve(o);
  for (int version : {TLS1_2_VERSION, 0}) {
    ClientOptions none;
    none.tls_max_version = version;
    EXPECT_TRUE(refused(none));
    ClientOptions stranger = none;
    stranger.client_cert_file = env.file("stranger.crt");
    stranger.client_key_file = env.file("stranger.key");
    EXPECT_TRUE(refused(stranger));
  }
}

TEST_F(TlsTest, OptionalClientCertificate) {
  ServerOptions o = tls_options();
  o.tls_client_ca_file = env.file("ca.crt");
  serve(o);
  EXPECT_EQ(get({}).json()["subject"], "");
  ClientOptions co;
  co.client_cert_file = env.file("client.crt");
  co.client_key_file = env.file("client.key");
  EXPECT_EQ(get(co).json()["subject"], "CN=authority-client,O=Shiming Test,C=CN");
}

}  // namespace
}  // namespace shiming::http
