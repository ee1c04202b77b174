#include "test_client.h"

#include <optional>
#include <stdexcept>

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace shiming::http::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

std::string ClientResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < k.size() && same; ++i) same = (k[i] | 0x20) == (name[i] | 0x20);
    if (same) return v;
  }
  return {};
}

struct TestClient::Impl {
  std::string host;
  unsigned short port;
  ClientOptions options;
  asio::io_context ioc;
  std::optional<asio::ssl::context> ssl_ctx;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
  bool connected() const { return plain.has_value() || tls.has_value(); }

  // Runs the pending async operation with the timeout; throws on timeout.
  void run(const char* what) {
    ioc.restart();
    ioc.run_for(options.timeout);
    if (!ioc.stopped()) {
      lowest().cancel();
      ioc.restart();
      ioc.run();
      throw std::runtime_error(std::string("test client: timeout during ") + what);
    }
  }

  template <class F>
  void with_stream(F&& f) {
    if (tls) f(*tls); else f(*plain);
  }
};

TestClient::TestClient(std::string host, unsigned short port, ClientOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->host = std::move(host);
  impl_->port = port;
  impl_->options = std::move(options);
}

TestClient::~TestClient() = default;

bool TestClient::is_connected() const { return impl_->connected(); }

void TestClient::close() {
  Impl& im = *impl_;
  if (!im.connected()) return;
  beast::error_code ec;
  im.lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
  im.lowest().socket().close(ec);
  im.tls.reset();
  im.plain.reset();
  im.buffer.consume(im.buffer.size());
}

void TestClient::connect() {
  Impl& im = *impl_;
  close();
  tcp::resolver resolver(im.ioc);
  auto endpoints = resolver.resolve(im.host, std::to_string(im.port));
  beast::error_code ec;
  if (im.options.tls) {
    if (!im.ssl_ctx) {
      im.ssl_ctx.emplace(asio::ssl::context::tls_client);
      SSL_CTX* native = im.ssl_ctx->native_handle();
      if (im.options.tls_min_version) SSL_CTX_set_min_proto_version(native, im.options.tls_min_version);
      if (im.options.tls_max_version) SSL_CTX_set_max_proto_version(native, im.options.tls_max_version);
      if (!im.options.tls12_ciphers.empty() &&
          SSL_CTX_set_cipher_list(native, im.options.tls12_ciphers.c_str()) != 1)
        throw std::runtime_error("test client: bad cipher list");
      if (!im.options.ca_file.empty()) {
        im.ssl_ctx->load_verify_file(im.options.ca_file);
        im.ssl_ctx->set_verify_mode(asio::ssl::verify_peer);
      } else {
        im.ssl_ctx->set_verify_mode(asio::ssl::verify_none);
      }
      if (!im.options.client_cert_file.empty()) {
        im.ssl_ctx->use_certificate_chain_file(im.options.client_cert_file);
        im.ssl_ctx->use_private_key_file(im.options.client_key_file, asio::ssl::context::pem);
      }
    }
    im.tls.emplace(im.ioc, *im.ssl_ctx);
  } else {
    im.plain.emplace(im.ioc);
  }
  im.lowest().async_connect(endpoints, [&ec](beast::error_code e, const tcp::endpoint&) { ec = e; });
  im.run("connect");
  if (ec) {
    close();
    throw std::runtime_error("test client: connect failed: " + ec.message());
  }
  if (im.tls) {
    im.tls->async_handshake(asio::ssl::stream_base::client, [&ec](beast::error_code e) { ec = e; });
    im.run("TLS handshake");
    if (ec) {
      close();
      throw std::runtime_error("test client: TLS handshake failed: " + ec.message());
    }
  }
}

void TestClient::write_raw(std::string_view bytes) {
  Impl& im = *impl_;
  if (!im.connected()) connect();
  beast::error_code ec;
  im.with_stream([&](auto& s) {
    asio::async_write(s, asio::buffer(bytes.data(), bytes.size()),
                      [&ec](beast::error_code e, std::size_t) { ec = e; });
  });
  im.run("write");
  if (ec) throw std::runtime_error("test client: write failed: " + ec.message());
}

ClientResponse TestClient::read_response(bool head_request) {
  Impl& im = *impl_;
  if (!im.connected()) throw std::runtime_error("test client: not connected");
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  if (head_request) parser.skip(true);
  beast::error_code ec;
  im.with_stream([&](auto& s) {
    bhttp::async_read(s, im.buffer, parser, [&ec](beast::error_code e, std::size_t) { ec = e; });
  });
  im.run("read");
  if (ec) throw std::runtime_error("test client: read failed: " + ec.message());
  auto msg = parser.release();
  ClientResponse r;
  r.status = static_cast<int>(msg.result_int());
  for (const auto& f : msg) r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  r.body = std::move(msg.body());
  r.keep_alive = msg.keep_alive();
  return r;
}

ClientResponse TestClient::request(const std::string& method, const std::string& target, std::string body,
                                   const std::vector<std::pair<std::string, std::string>>& headers) {
  Impl& im = *impl_;
  if (!im.connected()) connect();
  bhttp::request<bhttp::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(bhttp::field::host, im.host);
  for (const auto& [k, v] : headers) req.set(k, v);
  const bool has_body = !body.empty();
  req.body() = std::move(body);
  if (has_body || method == "POST" || method == "PUT" || method == "PATCH") req.prepare_payload();
  beast::error_code ec;
  im.with_stream([&](auto& s) {
    bhttp::async_write(s, req, [&ec](beast::error_code e, std::size_t) { ec = e; });
  });
  im.run("write");
  if (ec) throw std::runtime_error("test client: write failed: " + ec.message());
  ClientResponse r = read_response(method == "HEAD");
  if (!r.keep_alive) close();
  return r;
}

bool TestClient::wait_closed(std::chrono::milliseconds wait) {
  Impl& im = *impl_;
  if (!im.connected()) return true;
  beast::error_code ec;
  bool done = false;
  std::size_t got = 0;
  auto space = im.buffer.prepare(4096);
  im.with_stream([&](auto& s) {
    s.async_read_some(space, [&](beast::error_code e, std::size_t n) {
      ec = e;
      got = n;
      done = true;
    });
  });
  im.ioc.restart();
  im.ioc.run_for(wait);
  if (!done) {
    im.lowest().cancel();
    im.ioc.restart();
    im.ioc.run();
    return false;
  }
  im.buffer.commit(got);  // bytes that arrived stay readable by read_response()
  const bool closed = static_cast<bool>(ec);
  if (closed) close();
  return closed;
}

}  // namespace shiming::http::testing
