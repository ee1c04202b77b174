// Listener, TLS set-up, signals and graceful stop (Asio; the HTTP protocol is in session.cc).
#include "http/server.h"

#include <csignal>
#include <filesystem>
#include <optional>
#include <thread>
#include <vector>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "common/log.h"
#include "http/server_shared.h"
#include "http/session.h"

namespace shiming::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// TLS 1.2: forward secrecy (ECDHE) and AEAD only. TLS 1.3 suites are all AEAD.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

std::string openssl_reason() {
  unsigned long e = ERR_get_error();
  std::string last;
  while (e != 0) {  // the last queued error is the most specific
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    last = buf;
    e = ERR_get_error();
  }
  return last.empty() ? "unknown OpenSSL error" : last;
}

sdk::Error tls_error(const std::string& en, const std::string& zh) {
  return sdk::make_error("TLS_CONFIG", en, zh);
}

sdk::Status check_readable(const std::string& path, const char* what_en, const char* what_zh) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return tls_error(std::string(what_en) + " not found: " + path,
                     std::string(what_zh) + "不存在：" + path);
  return {};
}

}  // namespace

// One event loop per I/O thread (no handler hops between threads, no locks
// shared by them); `ioc` is the first and also runs the listener, timers and
// signals. Accepted connections are dealt to the loops in turn.
struct Server::Impl {
  Impl(ServerOptions o, const Router& r, Metrics& m)
      : ioc(1),
        control(asio::make_strand(ioc.get_executor())),
        shared(std::make_shared<detail::ServerShared>(std::move(o), r, m)),
        acceptor(control),
        accept_retry(control),
        drain_timer(control),
        sweep_timer(control) {
    const int n = std::max(1, shared->options.io_threads);
    for (int i = 1; i < n; ++i) {
      loops.push_back(std::make_unique<asio::io_context>(1));
      keep_running.emplace_back(loops.back()->get_executor());
    }
    const int h = shared->options.handler_threads < 0 ? n : shared->options.handler_threads;
    if (h > 0) {
      handlers.emplace(static_cast<std::size_t>(h));
      shared->handler_executor.emplace(handlers->get_executor());
    }
  }

  // The other I/O threads' loops. Declared before `ioc`, so destroyed after it:
  // an accept still pending on `ioc` holds a socket of one of them.
  std::vector<std::unique_ptr<asio::io_context>> loops;
  asio::io_context ioc;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;  // for `loops`
  std::size_t next_loop = 0;
  // The listener, timers and signals complete on this strand, so a stop()
  // never races an accept on another I/O thread.
  detail::Strand control;
  std::shared_ptr<detail::ServerShared> shared;
  tcp::acceptor acceptor;
  asio::steady_timer accept_retry;
  asio::steady_timer drain_timer;
  asio::steady_timer sweep_timer;
  std::shared_ptr<asio::ssl::context> tls;
  std::optional<asio::signal_set> signals;
  std::function<void()> on_reload;
  std::chrono::steady_clock::time_point drain_deadline;
  unsigned short port = 0;
  bool started = false;
  std::int64_t last_admission_sweep_ns = 0;
  // Declared last: destroyed (stopped and joined) first, while the loops its
  // handlers post back to still exist.
  std::optional<asio::thread_pool> handlers;

  asio::io_context& pick_loop() {
    const std::size_t i = next_loop++ % (loops.size() + 1);
    return i == 0 ? ioc : *loops[i - 1];
  }
  void stop_loops() {
    keep_running.clear();
    ioc.stop();
    for (auto& l : loops) l->stop();
  }

  const ServerOptions& options() const { return shared->options; }

  sdk::Status setup_tls();
  void do_accept();
  void wait_signal();
  void begin_shutdown();
  void drain_check();
  void sweep();
};

// Closes connections whose read/write/idle deadline has passed.
void Server::Impl::sweep() {
  const std::int64_t now = detail::steady_now_ns();
  for (auto& s : shared->sessions.snapshot()) s->close_if_expired(now);
  if (now - last_admission_sweep_ns >= 5'000'000'000) {  // refilled client buckets
    shared->admission.sweep(now);
    last_admission_sweep_ns = now;
  }
  sweep_timer.expires_after(shared->sweep_interval);
  sweep_timer.async_wait([this](boost::system::error_code e) {
    if (!e) sweep();
  });
}

sdk::Status Server::Impl::setup_tls() {
  const ServerOptions& o = options();
  if (o.tls_cert_file.empty() != o.tls_key_file.empty())
    return tls_error("TLS needs both a certificate file and a key file.",
                     "启用 TLS 需要同时配置证书文件和私钥文件。");
  if (o.tls_cert_file.empty()) {
    if (!o.tls_client_ca_file.empty() || o.tls_require_client_cert)
      return tls_error("Client certificate checks need TLS (a certificate and key).",
                       "客户端证书校验需要先启用 TLS（证书和私钥）。");
    return {};
  }
  if (auto s = check_readable(o.tls_cert_file, "TLS certificate file", "TLS 证书文件"); !s) return s;
  if (auto s = check_readable(o.tls_key_file, "TLS key file", "TLS 私钥文件"); !s) return s;

  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                   asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION |
                                  SSL_OP_NO_COMPRESSION);
  ERR_clear_error();
  if (SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1)
    return tls_error("Cannot set the TLS cipher list: " + openssl_reason(), "无法设置 TLS 加密套件。");

  ERR_clear_error();
  if (SSL_CTX_use_certificate_chain_file(native, o.tls_cert_file.c_str()) != 1)
    return tls_error("Cannot load the TLS certificate " + o.tls_cert_file + ": " + openssl_reason(),
                     "无法加载 TLS 证书：" + o.tls_cert_file);
  ERR_clear_error();
  if (SSL_CTX_use_PrivateKey_file(native, o.tls_key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    const unsigned long first = ERR_peek_error();
    if (ERR_GET_LIB(first) == ERR_LIB_X509 && ERR_GET_REASON(first) == X509_R_KEY_VALUES_MISMATCH) {
      ERR_clear_error();
      return tls_error("The TLS private key " + o.tls_key_file + " does not match the certificate " +
                           o.tls_cert_file + ".",
                       "TLS 私钥与证书不匹配。");
    }
    return tls_error("Cannot load the TLS private key " + o.tls_key_file + ": " + openssl_reason(),
                     "无法加载 TLS 私钥：" + o.tls_key_file);
  }
  ERR_clear_error();
  if (SSL_CTX_check_private_key(native) != 1)
    return tls_error("The TLS private key " + o.tls_key_file + " does not match the certificate " +
                         o.tls_cert_file + ".",
                     "TLS 私钥与证书不匹配。");

  if (!o.tls_client_ca_file.empty()) {
    if (auto s = check_readable(o.tls_client_ca_file, "TLS client CA file", "TLS 客户端 CA 文件"); !s)
      return s;
    ERR_clear_error();
    boost::system::error_code ec;
    ctx->load_verify_file(o.tls_client_ca_file, ec);
    if (ec)
      return tls_error("Cannot load the client CA " + o.tls_client_ca_file + ": " + openssl_reason(),
                       "无法加载客户端 CA 证书：" + o.tls_client_ca_file);
    if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(o.tls_client_ca_file.c_str()))
      SSL_CTX_set_client_CA_list(native, names);
    static const unsigned char kSessionContext[] = "shiming-http";
    SSL_CTX_set_session_id_context(native, kSessionContext, sizeof kSessionContext - 1);
    ctx->set_verify_mode(asio::ssl::verify_peer |
                         (o.tls_require_client_cert ? asio::ssl::verify_fail_if_no_peer_cert : 0));
  } else if (o.tls_require_client_cert) {
    return tls_error("tls_require_client_cert needs tls_client_ca_file.",
                     "要求客户端证书时必须配置客户端 CA 文件。");
  }
  tls = std::move(ctx);
  return {};
}

void Server::Impl::do_accept() {
  acceptor.async_accept(asio::make_strand(pick_loop().get_executor()), [this](boost::system::error_code ec,
                                                                      detail::ConnectionSocket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (shared->stopping.load()) return;
    if (ec) {
      // Out of descriptors and the like: log, back off briefly, keep serving.
      log_event(spdlog::level::warn, "accept failed", {{"error", ec.message()}});
      accept_retry.expires_after(std::chrono::milliseconds(50));
      accept_retry.async_wait([this](boost::system::error_code e) {
        if (!e) do_accept();
      });
      return;
    }
    if (tls)
      detail::start_tls_session(shared, std::move(socket), tls);
    else
      detail::start_plain_session(shared, std::move(socket));
    do_accept();
  });
}

void Server::Impl::wait_signal() {
  signals->async_wait([this](boost::system::error_code ec, int sig) {
    if (ec) return;
    if (sig == SIGHUP) {
      log_event(spdlog::level::info, "SIGHUP: reload requested");
      if (on_reload) {
        try {
          on_reload();
        } catch (const std::exception& e) {
          log_event(spdlog::level::err, "reload failed", {{"error", e.what()}});
        }
      }
      wait_signal();
      return;
    }
    log_event(spdlog::level::info, "signal received: stopping", {{"signal", sig}});
    shared->stopping.store(true);
    begin_shutdown();
  });
}

void Server::Impl::begin_shutdown() {
  boost::system::error_code ec;
  acceptor.close(ec);
  accept_retry.cancel();
  if (signals) signals->cancel(ec);
  for (auto& s : shared->sessions.snapshot()) s->close_if_idle();
  drain_deadline = std::chrono::steady_clock::now() + options().shutdown_grace;
  log_event(spdlog::level::info, "http server stopping",
            {{"open_connections", shared->sessions.size()}});
  drain_check();
}

void Server::Impl::drain_check() {
  const std::size_t open = shared->sessions.size();
  if (open == 0) {
    stop_loops();
    return;
  }
  if (std::chrono::steady_clock::now() >= drain_deadline) {
    log_event(spdlog::level::warn, "shutdown grace expired; closing remaining connections",
              {{"open_connections", open}});
    stop_loops();
    return;
  }
  drain_timer.expires_after(std::chrono::milliseconds(20));
  drain_timer.async_wait([this](boost::system::error_code e) {
    if (!e) drain_check();
  });
}

Server::Server(ServerOptions options, const Router& router, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, metrics)) {}

Server::~Server() {
  if (impl_) {
    impl_->stop_loops();
    boost::system::error_code ec;
    impl_->acceptor.close(ec);
  }
}

sdk::Status Server::start() {
  Impl& im = *impl_;
  if (im.started)
    return sdk::make_error("ALREADY_STARTED", "The server was already started.", "服务已启动。");
  if (auto s = im.setup_tls(); !s) return s;

  const ServerOptions& o = im.options();
  boost::system::error_code ec;
  auto address = asio::ip::make_address(o.address, ec);
  if (ec)
    return sdk::make_error("BIND_FAILED", "Invalid listen address '" + o.address + "'.",
                           "监听地址无效：" + o.address);
  tcp::endpoint endpoint(address, o.port);
  const std::string where = o.address + ":" + std::to_string(o.port);
  im.acceptor.open(endpoint.protocol(), ec);
  if (!ec) im.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) im.acceptor.bind(endpoint, ec);
  if (!ec) im.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    im.acceptor.close(ignored);
    return sdk::make_error("BIND_FAILED", "Cannot listen on " + where + ": " + ec.message() + ".",
                           "无法在 " + where + " 上监听（端口可能已被占用）：" + ec.message());
  }
  im.port = im.acceptor.local_endpoint().port();
  im.started = true;
  log_event(spdlog::level::info, "http server listening",
            {{"address", o.address}, {"port", im.port}, {"tls", static_cast<bool>(im.tls)},
             {"mutual_tls", !o.tls_client_ca_file.empty()}});
  im.do_accept();
  im.sweep();
  return {};
}

unsigned short Server::port() const { return impl_->port; }

void Server::run() {
  Impl& im = *impl_;
  const int n = std::max(1, im.options().io_threads);
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(n - 1));
  auto worker = [](asio::io_context& loop) {
    for (;;) {
      try {
        loop.run();
        return;
      } catch (const std::exception& e) {
        // A bug escaped a handler: log it and keep the I/O thread serving.
        log_event(spdlog::level::err, "exception escaped an I/O handler", {{"error", e.what()}});
      }
    }
  };
  for (auto& loop : im.loops) threads.emplace_back(worker, std::ref(*loop));
  worker(im.ioc);
  for (auto& t : threads) t.join();
  log_event(spdlog::level::info, "http server stopped");
}

void Server::stop() {
  Impl& im = *impl_;
  bool expected = false;
  if (!im.shared->stopping.compare_exchange_strong(expected, true)) return;
  asio::post(im.control, [&im] { im.begin_shutdown(); });
}

void Server::on_signals(std::function<void()> on_reload) {
  Impl& im = *impl_;
  im.on_reload = std::move(on_reload);
  im.signals.emplace(im.control, SIGINT, SIGTERM, SIGHUP);
  im.wait_signal();
}

}  // namespace shiming::http
