#pragma once
// Certificates for the authority tests and benchmark, generated with the
// OpenSSL API into a folder: a CA, the gateway's certificate (localhost,
// 127.0.0.1), an expired gateway certificate, a good client certificate, a
// client certificate of another client, and a client certificate from a CA
// the gateway does not trust.
#include <string>

namespace shiming::authority_sim::testing {

struct TestPki {
  std::string dir;
  std::string ca_cert;
  std::string server_cert, server_key;
  std::string expired_server_cert, expired_server_key;
  std::string client_cert, client_key;          // CN=shiming-test-province
  std::string other_client_cert, other_client_key;  // CN=shiming-other-province (same CA)
  std::string rogue_client_cert, rogue_client_key;  // CN=shiming-test-province, untrusted CA

  // Creates `dir` and writes every file. Throws std::runtime_error on failure.
  static TestPki create(const std::string& dir);
};

// Writes `content` to `path` (mode 0600). Throws on failure.
void write_file(const std::string& path, const std::string& content);

}  // namespace shiming::authority_sim::testing
