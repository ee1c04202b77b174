#pragma once
// A small blocking HTTP/1.1 client for tests (plain or TLS, keep-alive, raw
// bytes for protocol tests). Beast-free header; link shiming_http_test_client.
// Every operation has a timeout; failures throw std::runtime_error.
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace shiming::http::testing {

struct ClientOptions {
  bool tls = false;
  std::string ca_file;           // verify the server against this CA; empty: no verification
  std::string client_cert_file;  // mutual TLS
  std::string client_key_file;
  int tls_min_version = 0;       // OpenSSL constants (TLS1_1_VERSION...), 0: library default
  int tls_max_version = 0;
  std::string tls12_ciphers;     // OpenSSL cipher list for TLS <= 1.2; empty: default
  std::chrono::milliseconds timeout{5000};  // per operation
};

struct ClientResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool keep_alive = true;
  // Case-insensitive; "" when absent.
  std::string header(std::string_view name) const;
  nlohmann::json json() const { return nlohmann::json::parse(body); }
};

class TestClient {
 public:
  TestClient(std::string host, unsigned short port, ClientOptions options = {});
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  // Connects (and handshakes for TLS). request() connects on demand.
  void connect();
  bool is_connected() const;
  void close();

  // Sends one request on the kept-alive connection and reads the response.
  ClientResponse request(const std::string& method, const std::string& target, std::string body = {},
                         const std::vector<std::pair<std::string, std::string>>& headers = {});

  // Writes bytes as they are (pipelining, malformed requests, slow clients).
  void write_raw(std::string_view bytes);
  // Reads one response (after write_raw). `head_request`: the response has no body.
  ClientResponse read_response(bool head_request = false);
  // True when the server closes the connection within `wait` (EOF or reset).
  bool wait_closed(std::chrono::milliseconds wait);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shiming::http::testing
