#pragma once
// The HTTP/1.1 server (Beast/Asio inside server.cc and session.cc only).
//
// Usable by any program: it needs a Router and a Metrics, nothing from the
// host's configuration. Keep-alive and pipelining (answered in order), header
// limit (431), per-route body limit checked on Content-Length before the body
// is read (413), read/write/idle timeouts, X-Request-Id on every response,
// errors in the sdk envelope, optional TLS (1.2+, ECDHE+AEAD only) and mutual
// TLS. Handlers run on handler threads (quick routes on the I/O threads); the
// I/O threads only read, route and write.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "http/admission.h"
#include "http/metrics.h"
#include "http/router.h"
#include "shiming/sdk/result.h"

namespace shiming::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;  // 0: an ephemeral port, see Server::port()
  int io_threads = 2;  // each with its own event loop; connections are spread over them
  // Threads that run the handlers of routes not marked RouteOptions::quick.
  // -1: as many as io_threads; 0: every handler runs on the I/O threads.
  int handler_threads = -1;
  std::size_t header_limit = 16 * 1024;  // request line + headers, bytes
  std::chrono::seconds read_timeout{30};   // whole request (header + body) once started
  std::chrono::seconds write_timeout{30};  // whole response
  std::chrono::seconds idle_timeout{60};   // keep-alive wait for the next request
  std::string tls_cert_file;  // PEM chain; TLS is on when cert and key are set
  std::string tls_key_file;   // PEM private key
  std::string tls_client_ca_file;       // mutual TLS: CA(s) that sign client certificates
  bool tls_require_client_cert = false;  // refuse the handshake without a valid client cert
  std::chrono::seconds shutdown_grace{20};  // stop(): in-flight requests get this long
  bool access_log = true;  // one log_event line per request
  // Peak-time admission control (429/503 with Retry-After before the body is read); off by default.
  AdmissionOptions admission;
  // Finer timeouts for tests; when non-zero they override the second-based ones.
  std::chrono::milliseconds read_timeout_ms{0}, write_timeout_ms{0}, idle_timeout_ms{0};
};

class Server {
 public:
  // `router` and `metrics` must outlive the Server.
  Server(ServerOptions options, const Router& router, Metrics& metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads TLS material and binds. Errors: TLS_CONFIG (missing/unreadable files,
  // key does not match), BIND_FAILED (port taken, bad address).
  sdk::Status start();
  // The bound port (useful with port 0); valid after start().
  unsigned short port() const;
  // Serves on io_threads threads (the caller's included) until stop() finishes.
  void run();
  // Graceful stop, callable from any thread (a handler included) and more than
  // once: stop accepting, answer new requests 503 SHUTTING_DOWN, let in-flight
  // requests finish (at most shutdown_grace), close idle connections, then
  // run() returns.
  void stop();
  // SIGINT/SIGTERM -> stop(); SIGHUP -> on_reload (on an I/O thread). Call
  // after start(), before run().
  void on_signals(std::function<void()> on_reload);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace shiming::http
