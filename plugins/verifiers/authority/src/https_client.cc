#include "https_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <fstream>
#include <mutex>

namespace shiming::authority {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

const char* to_string(TransportError e) {
  switch (e) {
    case TransportError::none: return "none";
    case TransportError::connect_failed: return "connect_failed";
    case TransportError::connect_timeout: return "connect_timeout";
    case TransportError::timeout: return "timeout";
    case TransportError::reset: return "reset";
    case TransportError::tls_failed: return "tls_failed";
    case TransportError::certificate: return "certificate";
    case TransportError::bad_response: return "bad_response";
  }
  return "none";
}

// One TLS connection with its own io_context: operations run on the calling
// thread, one caller at a time (a connection is either in use or idle in the pool).
struct Connection {
  net::io_context ioc;
  beast::ssl_stream<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  std::chrono::steady_clock::time_point idle_since;
  explicit Connection(ssl::context& ctx) : ioc(1), stream(ioc, ctx) {}
};

struct HttpsClient::Tls {
  ssl::context ctx{ssl::context::tls_client};
  std::mutex mu;
  std::vector<std::unique_ptr<Connection>> idle;  // guarded by mu

  std::unique_ptr<Connection> take_idle(std::chrono::milliseconds max_idle) {
    std::lock_guard lock(mu);
    const auto now = std::chrono::steady_clock::now();
    while (!idle.empty()) {
      auto c = std::move(idle.back());
      idle.pop_back();
      if (now - c->idle_since < max_idle) return c;
    }
    return nullptr;
  }
  void give_back(std::unique_ptr<Connection> c, std::size_t max_idle_connections) {
    c->idle_since = std::chrono::steady_clock::now();
    beast::get_lowest_layer(c->stream).expires_never();
    std::lock_guard lock(mu);
    if (idle.size() < max_idle_connections) idle.push_back(std::move(c));
  }
};

namespace {

bool readable(const std::string& path) {
  std::ifstream f(path);
  return f.good();
}

sdk::Error tls_config_error(const std::string& what, const std::string& file) {
  return sdk::make_error("TLS_CONFIG", "Cannot use the " + what + " file " + file + ".",
                         "无法使用" + what + "文件 " + file + "。");
}

// Runs one asynchronous operation to completion on `ioc`.
template <class Start>
beast::error_code run_one(net::io_context& ioc, Start&& start) {
  beast::error_code result = net::error::would_block;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run();
  return result;
}

bool is_reset(const beast::error_code& ec) {
  return ec == net::error::connection_reset || ec == net::error::eof ||
         ec == net::error::broken_pipe || ec == net::error::connection_aborted ||
         ec == ssl::error::stream_truncated || ec == http::error::end_of_stream ||
         ec == http::error::partial_message;
}

}  // namespace

HttpsClient::HttpsClient(HttpsClientOptions options, std::unique_ptr<Tls> tls)
    : options_(std::move(options)), tls_(std::move(tls)) {}
HttpsClient::~HttpsClient() = default;

sdk::Result<std::shared_ptr<HttpsClient>> HttpsClient::create(HttpsClientOptions options) {
  auto tls = std::make_unique<Tls>();
  auto& ctx = tls->ctx;
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  ctx.set_verify_mode(ssl::verify_peer);
  boost::system::error_code ec;
  if (options.ca_file.empty() || !readable(options.ca_file))
    return tls_config_error("CA", options.ca_file);
  ctx.load_verify_file(options.ca_file, ec);
  if (ec) return tls_config_error("CA", options.ca_file);
  if (options.client_cert_file.empty() || !readable(options.client_cert_file))
    return tls_config_error("client certificate", options.client_cert_file);
  ctx.use_certificate_chain_file(options.client_cert_file, ec);
  if (ec) return tls_config_error("client certificate", options.client_cert_file);
  if (options.client_key_file.empty() || !readable(options.client_key_file))
    return tls_config_error("client key", options.client_key_file);
  ctx.use_private_key_file(options.client_key_file, ssl::context::pem, ec);
  if (ec) return tls_config_error("client key", options.client_key_file);
  if (SSL_CTX_check_private_key(ctx.native_handle()) != 1)
    return sdk::make_error("TLS_CONFIG", "The client key does not match the client certificate.",
                           "客户端私钥与证书不匹配。");
  return std::shared_ptr<HttpsClient>(new HttpsClient(std::move(options), std::move(tls)));
}

namespace {

using Clock = std::chrono::steady_clock;

// Resolves, connects and completes the TLS handshake on a new connection.
TransportResult open_connection(Connection& c, const HttpsClientOptions& o, Clock::time_point deadline) {
  TransportResult out;
  auto& lowest = beast::get_lowest_layer(c.stream);
  // Host name (or IP) checked against the certificate; SNI for names only.
  SSL* ssl_handle = c.stream.native_handle();
  boost::system::error_code addr_ec;
  net::ip::make_address(o.host, addr_ec);
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl_handle);
  if (addr_ec) {
    SSL_set_tlsext_host_name(ssl_handle, o.host.c_str());
    X509_VERIFY_PARAM_set1_host(param, o.host.c_str(), 0);
  } else {
    X509_VERIFY_PARAM_set1_ip_asc(param, o.host.c_str());
  }

  tcp::resolver resolver(c.ioc);
  tcp::resolver::results_type endpoints;
  beast::error_code ec = run_one(c.ioc, [&](auto handler) {
    resolver.async_resolve(o.host, o.port,
                           [&endpoints, handler](beast::error_code e, tcp::resolver::results_type r) mutable {
                             endpoints = std::move(r);
                             handler(e);
                           });
  });
  if (ec) {
    out.error = TransportError::connect_failed;
    out.detail = "cannot resolve the gateway host: " + ec.message();
    return out;
  }

  lowest.expires_after(std::min<Clock::duration>(o.connect_timeout, deadline - Clock::now()));
  ec = run_one(c.ioc, [&](auto handler) { lowest.async_connect(endpoints, handler); });
  if (ec) {
    out.error = ec == beast::error::timeout ? TransportError::connect_timeout
                                            : TransportError::connect_failed;
    out.detail = "cannot connect to the gateway: " + ec.message();
    return out;
  }

  lowest.expires_at(deadline);
  ec = run_one(c.ioc, [&](auto handler) { c.stream.async_handshake(ssl::stream_base::client, handler); });
  if (ec) {
    long verify = SSL_get_verify_result(ssl_handle);
    if (ec == beast::error::timeout) {
      out.error = TransportError::timeout;
      out.detail = "TLS handshake timed out";
    } else if (verify != X509_V_OK) {
      out.error = TransportError::certificate;
      out.detail = std::string("gateway certificate refused: ") +
                   X509_verify_cert_error_string(verify);
    } else if (is_reset(ec)) {
      out.error = TransportError::reset;
      out.detail = "connection closed during the TLS handshake: " + ec.message();
    } else {
      out.error = TransportError::tls_failed;
      out.detail = "TLS handshake failed: " + ec.message();
    }
  }
  return out;
}

// One request and its answer on an open connection. `stale` is set when the
// connection turned out closed before any byte of an answer came back.
TransportResult exchange(Connection& c, const HttpsClientOptions& o, Clock::time_point deadline,
                         const http::request<http::string_body>& req, bool& keep_alive, bool& stale) {
  TransportResult out;
  auto& lowest = beast::get_lowest_layer(c.stream);
  lowest.expires_at(deadline);
  beast::error_code ec = run_one(c.ioc, [&](auto handler) { http::async_write(c.stream, req, handler); });
  if (ec) {
    stale = ec != beast::error::timeout;
    out.error = ec == beast::error::timeout ? TransportError::timeout : TransportError::reset;
    out.detail = "sending the request failed: " + ec.message();
    return out;
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(o.max_response_bytes);
  ec = run_one(c.ioc, [&](auto handler) { http::async_read(c.stream, c.buffer, parser, handler); });
  if (ec) {
    if (ec == beast::error::timeout) {
      out.error = TransportError::timeout;
    } else if (is_reset(ec)) {
      out.error = TransportError::reset;
      stale = !parser.got_some();
    } else if (ec.category() == net::error::get_ssl_category()) {
      // A TLS alert after the handshake: with TLS 1.3 the gateway refuses
      // our client certificate here.
      out.error = TransportError::tls_failed;
    } else {
      out.error = TransportError::bad_response;
    }
    out.detail = "reading the answer failed: " + ec.message();
    return out;
  }
  auto& res = parser.get();
  keep_alive = res.keep_alive();
  out.response.status = static_cast<int>(res.result_int());
  out.response.body = std::move(res.body());
  if (auto it = res.find(http::field::retry_after); it != res.end())
    out.response.retry_after = std::string(it->value());
  return out;
}

constexpr std::size_t kMaxIdleConnections = 64;
// Well under the gateway's keep-alive idle timeout, so an idle connection is
// rarely closed under us.
constexpr std::chrono::milliseconds kMaxIdle{15'000};

}  // namespace

TransportResult HttpsClient::post(const std::string& target,
                                  const std::vector<std::pair<std::string, std::string>>& headers,
                                  const std::string& body, const std::string& content_type) const {
  const auto deadline = Clock::now() + options_.total_timeout;
  http::request<http::string_body> req{http::verb::post, target, 11};
  req.set(http::field::host, options_.host);
  req.set(http::field::content_type, content_type);
  req.set(http::field::user_agent, "shiming-authority/1");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();

  std::unique_ptr<Connection> conn = tls_->take_idle(kMaxIdle);
  const bool reused = conn != nullptr;
  if (!conn) {
    conn = std::make_unique<Connection>(tls_->ctx);
    TransportResult opened = open_connection(*conn, options_, deadline);
    if (opened.error != TransportError::none) return opened;
  }
  bool keep_alive = false, stale = false;
  TransportResult out = exchange(*conn, options_, deadline, req, keep_alive, stale);
  out.reused_connection_closed = out.error != TransportError::none && reused && stale;
  if (out.error == TransportError::none && keep_alive) tls_->give_back(std::move(conn), kMaxIdleConnections);
  return out;
}

}  // namespace shiming::authority
