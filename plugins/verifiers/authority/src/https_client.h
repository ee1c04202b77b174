#pragma once
// A small HTTPS client for the authority gateway: TLS 1.2+, server certificate
// and host name verified against a CA file, client certificate (mutual TLS),
// a connect timeout and a total timeout per request. Connections are kept
// alive: idle ones are reused for up to 15 s; a reused connection found
// closed before it answered is reported (reused_connection_closed) so the
// caller can re-sign and send again. Beast/Asio stay inside
// https_client.cc.
//
// Thread-safe: post() may be called from several threads at once.
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "shiming/sdk/result.h"

namespace shiming::authority {

struct HttpsClientOptions {
  std::string host;       // name or IP literal; verified against the server certificate
  std::string port = "443";
  std::string ca_file;    // PEM: CA(s) trusted for the gateway's certificate
  std::string client_cert_file;  // PEM chain
  std::string client_key_file;   // PEM private key
  std::chrono::milliseconds connect_timeout{3'000};
  std::chrono::milliseconds total_timeout{10'000};  // connect + TLS + request + response
  std::size_t max_response_bytes = 1u << 20;
};

enum class TransportError {
  none,
  connect_failed,   // refused, unreachable, name not resolved
  connect_timeout,
  timeout,          // total timeout reached after connecting
  reset,            // connection reset / closed early
  tls_failed,       // handshake failed (not a certificate problem)
  certificate,      // the gateway's certificate was refused (expired, wrong CA, wrong name)
  bad_response,     // not HTTP, or larger than max_response_bytes
};
const char* to_string(TransportError e);

struct HttpsResponse {
  int status = 0;
  std::string body;
  std::string retry_after;  // the Retry-After header, when present
};

struct TransportResult {
  TransportError error = TransportError::none;
  std::string detail;  // English, safe to log (no request content)
  HttpsResponse response;
  // A kept-alive connection from the pool was found closed before any byte of
  // an answer: the caller may send again at once (on a new connection).
  bool reused_connection_closed = false;
};

class HttpsClient {
 public:
  // Loads the CA file and the client certificate and key. Error TLS_CONFIG
  // names the file that could not be used.
  static sdk::Result<std::shared_ptr<HttpsClient>> create(HttpsClientOptions options);
  ~HttpsClient();

  TransportResult post(const std::string& target,
                       const std::vector<std::pair<std::string, std::string>>& headers,
                       const std::string& body, const std::string& content_type) const;

  const HttpsClientOptions& options() const { return options_; }

  struct Tls;

 private:
  HttpsClient(HttpsClientOptions options, std::unique_ptr<Tls> tls);
  HttpsClientOptions options_;
  std::unique_ptr<Tls> tls_;
};

}  // namespace shiming::authority
