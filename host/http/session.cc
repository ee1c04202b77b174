// One client connection: HTTP/1.1 keep-alive, requests answered in order.
#include "http/session.h"

#include <chrono>
#include <limits>
#include <optional>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "common/log.h"
#include "http/exchange.h"
#include "http/url.h"

namespace shiming::http::detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr std::size_t kReadChunk = 8 * 1024;
constexpr std::size_t kLingerBytes = 256 * 1024;
constexpr std::chrono::seconds kLingerTime{2};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  return true;
}

// Token characters for a header name; no CR, LF or NUL in a value (response splitting).
bool valid_header(std::string_view name, std::string_view value) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  for (char c : value)
    if (c == '\r' || c == '\n' || c == '\0') return false;
  return true;
}

// The verified client certificate's subject in RFC 2253 form, or "".
std::string verified_peer_subject(SSL* ssl) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (!cert) return {};
  std::string out;
  if (SSL_get_verify_result(ssl) == X509_V_OK) {
    BIO* bio = BIO_new(BIO_s_mem());
    if (bio) {
      if (X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253) >= 0) {
        char* data = nullptr;
        long n = BIO_get_mem_data(bio, &data);
        if (n > 0 && data) out.assign(data, static_cast<std::size_t>(n));
      }
      BIO_free(bio);
    }
  }
  X509_free(cert);
  return out;
}

template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <class... StreamArgs>
  Session(std::shared_ptr<ServerShared> shared, StreamArgs&&... args)
      : shared_(std::move(shared)), stream_(std::forward<StreamArgs>(args)...) {
    shared_->metrics.connection_opened();
    beast::error_code ec;
    auto ep = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string();
  }
  ~Session() override {
    shared_->sessions.remove(this);
    shared_->metrics.connection_closed();
  }

  void start() {
    shared_->sessions.add(this, this->weak_from_this());
    beast::get_lowest_layer(stream_).socket().set_option(tcp::no_delay(true));
    if constexpr (kTls) {
      idle_ = true;
      beast::get_lowest_layer(stream_).expires_after(shared_->read_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                self->on_handshake(ec);
                              });
    } else {
      // Run on the connection's strand from the start.
      asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->wait_request(); });
    }
  }

  void keep_alive_with(std::shared_ptr<void> p) { extra_ = std::move(p); }

  void close_if_idle() override {
    asio::post(stream_.get_executor(), [weak = this->weak_from_this()] {
      auto self = weak.lock();
      if (self && self->idle_) beast::get_lowest_layer(self->stream_).cancel();
    });
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  void on_handshake(beast::error_code ec) {
    if (ec) return;  // handshake failed (protocol, certificate, timeout): just drop
    if constexpr (kTls) client_subject_ = verified_peer_subject(stream_.native_handle());
    wait_request();
  }

  // Between requests: wait (idle timeout) for the first byte of the next one,
  // unless pipelined bytes are already buffered.
  void wait_request() {
    if (shared_->stopping.load(std::memory_order_relaxed) && buffer_.size() == 0) return close();
    if (buffer_.size() > 0) return read_header();
    idle_ = true;
    beast::get_lowest_layer(stream_).expires_after(shared_->idle_timeout);
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->idle_ = false;
                              if (ec) return self->close_now();
                              self->buffer_.commit(n);
                              self->read_header();
                            });
  }

  void read_header() {
    idle_ = false;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(shared_->options.header_limit));
    // Checked against the route once the header is known. (Not boost::none:
    // Beast 1.74 compares Content-Length > none as true.)
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    beast::get_lowest_layer(stream_).expires_after(shared_->read_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                               self->on_header(ec);
                             });
  }

  static bool is_parse_error(const beast::error_code& ec) {
    return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
           ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
  }

  void on_header(beast::error_code ec) {
    started_ = Clock::now();
    if (ec == bhttp::error::header_limit) return reply_error(431);
    if (ec == bhttp::error::body_limit) return reply_error(413);
    if (ec && is_parse_error(ec)) return reply_error(400);
    if (ec) return close_now();  // peer closed, timeout (slow client), reset

    const auto& h = parser_->get();
    method_ = std::string(h.method_string());
    const bool body_follows = parser_->chunked() || (parser_->content_length() && *parser_->content_length() > 0);
    if (shared_->stopping.load(std::memory_order_relaxed)) return reply_error(503);

    std::string_view target(h.target().data(), h.target().size());
    const std::size_t q = target.find('?');
    path_ = target.substr(0, q);
    query_ = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);

    match_ = shared_->router.match(method_, path_);
    if (match_.status != 200) {
      sdk::HttpResponse r = sdk::HttpResponse::error(match_.status, match_.error);
      if (match_.status == 405) r.headers.emplace_back("Allow", match_.allow);
      // An unread body would be taken for the next request: close instead.
      return finish(std::move(r), !body_follows);
    }
    if (parser_->content_length() && *parser_->content_length() > match_.options.max_body)
      return reply_error(413);
    parser_->body_limit(match_.options.max_body);

    if (parser_->is_done()) return on_body({});
    if (body_follows && iequals(std::string_view(h[bhttp::field::expect].data(), h[bhttp::field::expect].size()), "100-continue")) {
      beast::get_lowest_layer(stream_).expires_after(shared_->write_timeout);
      asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                        [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                          if (ec) return self->close_now();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    beast::get_lowest_layer(stream_).expires_after(shared_->read_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        self->on_body(ec);
                      });
  }

  void on_body(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) return reply_error(413);
    if (ec && is_parse_error(ec)) return reply_error(400);
    if (ec) return close_now();

    auto& msg = parser_->get();
    request_.method = method_;
    request_.path.assign(path_.data(), path_.size());
    request_.params = std::move(match_.params);
    request_.query.clear();
    request_.headers.clear();
    for (const auto& f : msg)
      request_.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    request_.body = std::move(msg.body());
    request_.request_id = make_request_id(request_.header("X-Request-Id"));
    request_.remote_address = remote_;
    request_.client_cert_subject = client_subject_;
    request_.actor = {};

    const bool keep_alive = msg.keep_alive();
    if (!query_.empty()) {
      auto parsed = parse_query(query_);
      if (!parsed) return finish(sdk::HttpResponse::error(400, parsed.error()), keep_alive);
      request_.query = std::move(*parsed);
    }
    sdk::HttpResponse r = call_handler(*match_.handler, request_, match_.pattern);
    finish(std::move(r), keep_alive);
  }

  // A server error before a request was fully read: the connection is closed after it.
  void reply_error(int status) { finish(server_error(status), false); }

  void finish(sdk::HttpResponse r, bool keep_alive) {
    if (request_.request_id.empty()) {
      std::string_view incoming;
      if (parser_) {
        auto it = parser_->get().find("X-Request-Id");
        if (it != parser_->get().end()) incoming = std::string_view(it->value().data(), it->value().size());
      }
      request_.request_id = make_request_id(incoming);
    }
    if (shared_->stopping.load(std::memory_order_relaxed)) keep_alive = false;
    const bool head = method_ == "HEAD";

    if (r.status < 200 || r.status > 599) {
      log_event(spdlog::level::err, "handler returned an invalid HTTP status",
                {{"route", match_.pattern}, {"status", r.status}, {"request_id", request_.request_id}});
      r = server_error(500);
    }
    res_ = {};
    res_.version(11);
    res_.result(static_cast<unsigned>(r.status));
    for (auto& [k, v] : r.headers) {
      if (is_framing_header(k)) continue;
      if (!valid_header(k, v)) {
        log_event(spdlog::level::warn, "handler set an invalid response header; dropped",
                  {{"route", match_.pattern}, {"request_id", request_.request_id}});
        continue;
      }
      res_.insert(k, v);
    }
    if (!r.content_type.empty() && (!r.body.empty() || head)) res_.set(bhttp::field::content_type, r.content_type);
    if (!has_header(r, "Cache-Control")) res_.set(bhttp::field::cache_control, "no-store");
    if (!has_header(r, "X-Content-Type-Options")) res_.set("X-Content-Type-Options", "nosniff");
    res_.set("X-Request-Id", request_.request_id);
    res_.set(bhttp::field::date, http_date_now());
    res_.keep_alive(keep_alive);
    if (r.status == 204 || r.status == 304 || r.status < 200) r.body.clear();
    res_.body() = std::move(r.body);
    res_.prepare_payload();
    if (head) res_.body().clear();  // Content-Length stays that of the GET body

    const auto took = Clock::now() - started_;
    const bool matched = match_.status == 200 && match_.handler != nullptr;
    const std::string& pattern = matched ? match_.pattern : unmatched_label_;
    RouteMetrics* rm = matched ? shared_->route_metrics[match_.route_index] : shared_->unmatched;
    rm->observe(r.status, took);
    if (shared_->options.access_log)
      log_access(method_.empty() ? "-" : method_, pattern, r.status, took, request_.request_id, remote_);

    beast::get_lowest_layer(stream_).expires_after(shared_->write_timeout);
    bhttp::async_write(stream_, res_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_write(ec);
    });
  }

  void on_write(beast::error_code ec) {
    if (ec) return close_now();
    const bool keep = res_.keep_alive();
    // Reset per-request state; buffers keep their capacity.
    match_ = {};
    parser_.reset();
    request_.request_id.clear();
    method_.clear();
    if (!keep) return close();
    wait_request();
  }

  // Graceful close: TLS close_notify, or TCP half-close then drain what the
  // client still sends (so the kernel does not reset the connection and
  // destroy the response we just sent).
  void close() {
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(kLingerTime);
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->close_now(); });
    } else {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
      if (ec) return close_now();
      linger_deadline_ = Clock::now() + kLingerTime;
      linger();
    }
  }

  void linger() {
    if constexpr (!kTls) {
      const auto left = linger_deadline_ - Clock::now();
      if (left <= Clock::duration::zero() || lingered_ > kLingerBytes) return close_now();
      stream_.expires_after(std::chrono::duration_cast<std::chrono::milliseconds>(left));
      buffer_.consume(buffer_.size());
      stream_.async_read_some(buffer_.prepare(kReadChunk),
                              [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                                if (ec) return self->close_now();
                                self->lingered_ += n;
                                self->linger();
                              });
    }
  }

  void close_now() {
    beast::error_code ec;
    beast::get_lowest_layer(stream_).socket().close(ec);
  }

  std::shared_ptr<ServerShared> shared_;
  std::shared_ptr<void> extra_;  // the TLS context, for TLS sessions
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> res_;
  sdk::HttpRequest request_;
  RouteMatch match_;
  std::string method_;
  std::string_view path_, query_;  // into the parser's target; valid until parser_ resets
  std::string remote_;
  std::string client_subject_;
  const std::string unmatched_label_ = "unmatched";
  Clock::time_point started_{};
  Clock::time_point linger_deadline_{};
  std::size_t lingered_ = 0;
  bool idle_ = false;  // waiting for a next request (or the TLS handshake)
};

}  // namespace

void start_plain_session(std::shared_ptr<ServerShared> shared, tcp::socket socket) {
  auto s = std::make_shared<Session<beast::tcp_stream>>(std::move(shared), std::move(socket));
  s->start();
}

void start_tls_session(std::shared_ptr<ServerShared> shared, tcp::socket socket,
                       std::shared_ptr<asio::ssl::context> tls) {
  using TlsStream = beast::ssl_stream<beast::tcp_stream>;
  auto s = std::make_shared<Session<TlsStream>>(std::move(shared), std::move(socket), *tls);
  s->keep_alive_with(std::move(tls));
  s->start();
}

}  // namespace shiming::http::detail
