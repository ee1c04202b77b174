// One client connection: HTTP/1.1 keep-alive, requests answered in order.
//
// Reading feeds a Beast parser by hand (one read per small request, no
// composed operations); responses are serialized into a per-connection buffer
// and written with one gather write. Timeouts are deadlines checked by the
// server's sweep (close_if_expired), not a timer per operation.
#include "http/session.h"

#include <charconv>
#include <limits>
#include <optional>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "common/log.h"
#include "http/exchange.h"
#include "http/url.h"

namespace shiming::http::detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using error_code = boost::system::error_code;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr std::size_t kReadChunk = 8 * 1024;
constexpr std::size_t kBodyReadChunk = 64 * 1024;
constexpr std::size_t kLingerBytes = 256 * 1024;
constexpr std::size_t kCopyBodyBelow = 16 * 1024;  // smaller bodies go into the header buffer

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

void append_header(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  out.append(value);
  out.append("\r\n");
}

void append_uint(std::string& out, std::uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

// The path-and-query of an absolute-form target (RFC 9112 3.2.2:
// "http://host:port/path?q"); other targets unchanged.
std::string_view origin_form(std::string_view target) {
  if (target.empty() || target[0] == '/') return target;
  const std::size_t scheme_end = target.find("://");
  if (scheme_end == std::string_view::npos) return target;
  const std::string_view scheme = target.substr(0, scheme_end);
  if (!iequals(scheme, "http") && !iequals(scheme, "https")) return target;
  const std::size_t path = target.find_first_of("/?", scheme_end + 3);
  if (path == std::string_view::npos || target[path] == '?') return "/";
  return target.substr(path);
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

using PlainSocket = ConnectionSocket;
using TlsStream = asio::ssl::stream<PlainSocket>;

PlainSocket& lowest(PlainSocket& s) { return s; }
PlainSocket& lowest(TlsStream& s) { return s.next_layer(); }

template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  template <class... StreamArgs>
  explicit Session(std::shared_ptr<ServerShared> shared, StreamArgs&&... args)
      : shared_(std::move(shared)), stream_(std::forward<StreamArgs>(args)...) {
    shared_->metrics.connection_opened();
    error_code ec;
    auto ep = lowest(stream_).remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string();
  }
  ~Session() override {
    shared_->sessions.remove(this);
    shared_->metrics.connection_closed();
  }

  void keep_alive_with(std::shared_ptr<void> p) { extra_ = std::move(p); }

  void start() {
    shared_->sessions.add(this, this->weak_from_this());
    error_code ec;
    lowest(stream_).set_option(asio::ip::tcp::no_delay(true), ec);
    asio::dispatch(lowest(stream_).get_executor(), [self = this->shared_from_this()] {
      if constexpr (kTls) {
        self->idle_ = true;
        self->arm(self->shared_->read_timeout);
        self->stream_.async_handshake(asio::ssl::stream_base::server,
                                      [self](error_code ec) { self->on_handshake(ec); });
      } else {
        self->wait_request();
      }
    });
  }

  void close_if_idle() override {
    asio::post(lowest(stream_).get_executor(), [weak = this->weak_from_this()] {
      if (auto self = weak.lock(); self && self->idle_) self->close_now();
    });
  }

  void close_if_expired(std::int64_t now_ns) override {
    const std::int64_t d = deadline_.load(std::memory_order_relaxed);
    if (d == 0 || d > now_ns || expiry_posted_.exchange(true)) return;
    asio::post(lowest(stream_).get_executor(), [weak = this->weak_from_this()] {
      auto self = weak.lock();
      if (!self) return;
      self->expiry_posted_.store(false);
      const std::int64_t dl = self->deadline_.load(std::memory_order_relaxed);
      if (dl != 0 && dl <= steady_now_ns()) self->close_now();
    });
  }

 private:
  void arm(std::chrono::milliseconds d) {
    deadline_.store(steady_now_ns() + std::chrono::duration_cast<std::chrono::nanoseconds>(d).count(),
                    std::memory_order_relaxed);
  }
  void disarm() { deadline_.store(0, std::memory_order_relaxed); }

  void on_handshake(error_code ec) {
    if (ec) return close_now();  // protocol, certificate or timeout: just drop
    if constexpr (kTls) client_subject_ = verified_peer_subject(stream_.native_handle());
    wait_request();
  }

  // ---- reading -------------------------------------------------------------

  // Between requests: wait (idle timeout) for the next one, unless pipelined
  // bytes are already buffered.
  void wait_request() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(shared_->options.header_limit));
    // Checked against the route once the header is known. (Not boost::none:
    // Beast 1.74 compares Content-Length > none as true.)
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    parser_->eager(false);  // stop after the header
    in_body_ = false;
    if (buffer_.size() > 0) {
      idle_ = false;
      arm(shared_->read_timeout);
      return parse_buffered();
    }
    if (shared_->stopping.load(std::memory_order_relaxed)) return close();
    idle_ = true;
    arm(shared_->idle_timeout);
    read_more();
  }

  void read_more() {
    const std::size_t chunk = in_body_ ? kBodyReadChunk : kReadChunk;
    stream_.async_read_some(buffer_.prepare(chunk), [self = this->shared_from_this()](error_code ec, std::size_t n) {
      self->on_read(ec, n);
    });
  }

  void on_read(error_code ec, std::size_t n) {
    // EOF between requests is the client's normal close; within one, a request
    // cut off (no request has a body delimited by EOF). Either way: close.
    if (ec) return close_now();
    buffer_.commit(n);
    if (idle_) {
      idle_ = false;
      arm(shared_->read_timeout);
    }
    parse_buffered();
  }

  void parse_buffered() {
    error_code ec;
    while (buffer_.size() > 0 && !parser_->is_done()) {
      const std::size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == bhttp::error::need_more) {
        ec = {};
        break;
      }
      if (ec) break;
      if (!in_body_ && parser_->is_header_done()) {
        in_body_ = true;
        if (!on_header()) return;  // answered (error) or waiting for 100-continue
        if (parser_->is_done()) break;
      }
    }
    if (ec == bhttp::error::header_limit) return reply_error(431);
    if (ec == bhttp::error::body_limit) return reply_error(413);
    if (ec) return reply_error(400);
    if (parser_->is_done()) return on_request();
    read_more();
  }

  // Validates the header; returns false when the exchange goes on elsewhere
  // (an error response, or a 100 Continue being written).
  bool on_header() {
    started_ = Clock::now();
    auto& h = parser_->get();
    method_.assign(h.method_string().data(), h.method_string().size());
    const bool body_follows = parser_->chunked() || (parser_->content_length() && *parser_->content_length() > 0);
    // Only plain "chunked" framing is accepted: any other transfer coding (or a
    // final coding that is not chunked) makes the body length ambiguous (RFC 9112 6.3).
    if (auto te = h.find(bhttp::field::transfer_encoding); te != h.end()) {
      if (!parser_->chunked() || !iequals(std::string_view(te->value().data(), te->value().size()), "chunked")) {
        reply_error(400);
        return false;
      }
    }
    if (shared_->stopping.load(std::memory_order_relaxed)) {
      reply_error(503);
      return false;
    }
    std::string_view target(h.target().data(), h.target().size());
    target = origin_form(target);
    const std::size_t q = target.find('?');
    path_ = target.substr(0, q);
    query_ = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);

    match_ = shared_->router.match(method_, path_);
    if (match_.status != 200) {
      sdk::HttpResponse r = sdk::HttpResponse::error(match_.status, match_.error);
      if (match_.status == 405) r.headers.emplace_back("Allow", match_.allow);
      // An unread body would be taken for the next request: close instead.
      finish(std::move(r), !body_follows && h.keep_alive());
      return false;
    }
    if (shared_->admission.enabled() && !admit(h, body_follows)) return false;
    if (parser_->content_length() && *parser_->content_length() > match_.options.max_body) {
      reply_error(413);
      return false;
    }
    parser_->body_limit(match_.options.max_body);
    parser_->eager(true);
    if (body_follows) {
      auto expect = h[bhttp::field::expect];
      if (iequals(std::string_view(expect.data(), expect.size()), "100-continue")) {
        arm(shared_->write_timeout);
        asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                          [self = this->shared_from_this()](error_code ec, std::size_t) {
                            if (ec) return self->close_now();
                            self->arm(self->shared_->read_timeout);
                            self->parse_buffered();
                          });
        return false;
      }
    }
    return true;
  }

  // Peak-time admission (before the body is read). Refused: 429/503 with
  // Retry-After; an unread body closes the connection.
  template <class Header>
  bool admit(const Header& h, bool body_follows) {
    std::string_view bearer, forwarded;
    if (auto a = h.find(bhttp::field::authorization); a != h.end()) {
      std::string_view v(a->value().data(), a->value().size());
      constexpr std::string_view kBearer = "Bearer ";
      if (v.size() > kBearer.size() && iequals(v.substr(0, kBearer.size()), kBearer)) bearer = v.substr(kBearer.size());
    }
    if (const auto& name = shared_->options.admission.client_ip_header; !name.empty())
      if (auto f = h.find(name); f != h.end()) forwarded = std::string_view(f->value().data(), f->value().size());
    auto verdict = shared_->admission.admit(match_.route_index, bearer, remote_, forwarded, steady_now_ns());
    if (!verdict.admitted) {
      finish(Admission::response(verdict), !body_follows && h.keep_alive());
      return false;
    }
    slot_ = std::move(verdict.slot);
    return true;
  }

  // ---- handling ------------------------------------------------------------

  void on_request() {
    disarm();  // the handler's own time is not a read timeout
    auto& msg = parser_->get();
    request_.method = method_;
    request_.path.assign(path_.data(), path_.size());
    request_.params = std::move(match_.params);
    request_.query.clear();
    // Header strings are assigned in place: their buffers are reused from the previous request.
    std::size_t n = 0;
    for (const auto& f : msg) {
      const std::string_view name(f.name_string().data(), f.name_string().size());
      const std::string_view value(f.value().data(), f.value().size());
      if (n < request_.headers.size()) {
        request_.headers[n].first.assign(name);
        request_.headers[n].second.assign(value);
      } else {
        request_.headers.emplace_back(std::string(name), std::string(value));
      }
      ++n;
    }
    request_.headers.resize(n);
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
    if (match_.options.quick || !shared_->handler_executor)
      return finish(call_handler(*match_.handler, request_, match_.pattern), keep_alive);
    // On a handler thread; the session reads nothing until the response is back on its strand.
    asio::post(*shared_->handler_executor, [self = this->shared_from_this(), keep_alive] {
      sdk::HttpResponse r = call_handler(*self->match_.handler, self->request_, self->match_.pattern);
      asio::post(lowest(self->stream_).get_executor(), [self, r = std::move(r), keep_alive]() mutable {
        self->finish(std::move(r), keep_alive);
      });
    });
  }

  // A server error before a request was fully read: the connection is closed after it.
  void reply_error(int status) {
    if (started_ == Clock::time_point{}) started_ = Clock::now();
    finish(server_error(status), false);
  }

  // ---- writing -------------------------------------------------------------

  void finish(sdk::HttpResponse r, bool keep_alive) {
    slot_.release();  // the heavy work is done: no longer in flight once its response is ready
    if (request_.request_id.empty()) {
      std::string_view incoming;
      if (parser_) {
        auto it = parser_->get().find("X-Request-Id");
        if (it != parser_->get().end()) incoming = std::string_view(it->value().data(), it->value().size());
      }
      request_.request_id = make_request_id(incoming);
    }
    if (shared_->stopping.load(std::memory_order_relaxed)) keep_alive = false;
    if (r.status < 200 || r.status > 599) {
      log_event(spdlog::level::err, "handler returned an invalid HTTP status",
                {{"route", std::string(match_.pattern)}, {"status", r.status}, {"request_id", request_.request_id}});
      r = server_error(500);
    }
    const bool head = method_ == "HEAD";
    const bool no_body = r.status == 204 || r.status == 304;
    if (no_body) r.body.clear();

    out_.clear();
    out_.append("HTTP/1.1 ");
    append_uint(out_, static_cast<unsigned>(r.status));
    out_.push_back(' ');
    auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(r.status));
    out_.append(reason.data(), reason.size());
    out_.append("\r\n");
    if (!r.content_type.empty() && !r.body.empty()) append_header(out_, "Content-Type", r.content_type);
    for (const auto& [k, v] : r.headers) {
      if (is_framing_header(k)) continue;
      if (!valid_header(k, v)) {
        log_event(spdlog::level::warn, "handler set an invalid response header; dropped",
                  {{"route", std::string(match_.pattern)}, {"request_id", request_.request_id}});
        continue;
      }
      append_header(out_, k, v);
    }
    if (!has_header(r, "Cache-Control")) append_header(out_, "Cache-Control", "no-store");
    if (!has_header(r, "X-Content-Type-Options")) append_header(out_, "X-Content-Type-Options", "nosniff");
    append_header(out_, "X-Request-Id", request_.request_id);
    append_header(out_, "Date", http_date_now());
    if (!no_body) {
      out_.append("Content-Length: ");
      append_uint(out_, r.body.size());
      out_.append("\r\n");
    }
    if (!keep_alive) append_header(out_, "Connection", "close");
    else if (parser_ && parser_->is_header_done() && parser_->get().version() < 11)
      append_header(out_, "Connection", "keep-alive");
    out_.append("\r\n");
    body_.clear();
    if (!head) {
      if (r.body.size() < kCopyBodyBelow) out_.append(r.body);
      else body_ = std::move(r.body);
    }
    keep_alive_ = keep_alive;

    const auto took = Clock::now() - started_;
    const bool matched = match_.status == 200 && match_.handler != nullptr;
    RouteMetrics* rm = matched ? shared_->route_metrics[match_.route_index] : shared_->unmatched;
    rm->observe(r.status, took);
    if (shared_->options.access_log)
      log_access(method_.empty() ? "-" : method_, matched ? match_.pattern : "unmatched", r.status, took,
                 request_.request_id, remote_);

    arm(shared_->write_timeout);
    std::array<asio::const_buffer, 2> buffers{asio::buffer(out_), asio::buffer(body_)};
    asio::async_write(stream_, buffers, [self = this->shared_from_this()](error_code ec, std::size_t) {
      self->on_write(ec);
    });
  }

  void on_write(error_code ec) {
    if (ec) return close_now();
    // Reset per-request state; buffers keep their capacity.
    match_ = {};
    request_.request_id.clear();
    method_.clear();
    started_ = {};
    if (!keep_alive_) return close();
    wait_request();
  }

  // ---- closing -------------------------------------------------------------

  // Graceful close: TLS close_notify, or TCP half-close then drain what the
  // client still sends (so the kernel does not reset the connection and
  // destroy the response just sent).
  void close() {
    parser_.reset();
    arm(shared_->linger_time);
    if constexpr (kTls) {
      stream_.async_shutdown([self = this->shared_from_this()](error_code) { self->close_now(); });
    } else {
      error_code ec;
      stream_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
      if (ec) return close_now();
      linger();
    }
  }

  void linger() {
    buffer_.consume(buffer_.size());
    lowest(stream_).async_read_some(buffer_.prepare(kReadChunk),
                                    [self = this->shared_from_this()](error_code ec, std::size_t n) {
                                      self->lingered_ += n;
                                      if (ec || self->lingered_ > kLingerBytes) return self->close_now();
                                      self->linger();
                                    });
  }

  void close_now() {
    disarm();
    error_code ec;
    lowest(stream_).close(ec);
  }

  std::shared_ptr<ServerShared> shared_;
  std::shared_ptr<void> extra_;  // the TLS context, for TLS sessions
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string out_;   // serialized response head (and small bodies)
  std::string body_;  // a large body, written after out_
  sdk::HttpRequest request_;
  RouteMatch match_;
  Admission::Slot slot_;  // held while an admitted heavy request is served
  std::string method_;
  std::string_view path_, query_;  // into the parser's target; valid until parser_ resets
  std::string remote_;
  std::string client_subject_;
  Clock::time_point started_{};
  std::atomic<std::int64_t> deadline_{0};  // steady ns; 0: none
  std::atomic<bool> expiry_posted_{false};
  std::size_t lingered_ = 0;
  bool idle_ = false;  // waiting for a next request (or the TLS handshake)
  bool in_body_ = false;
  bool keep_alive_ = true;
};

}  // namespace

void start_plain_session(std::shared_ptr<ServerShared> shared, ConnectionSocket socket) {
  std::make_shared<Session<PlainSocket>>(std::move(shared), std::move(socket))->start();
}

void start_tls_session(std::shared_ptr<ServerShared> shared, ConnectionSocket socket,
                       std::shared_ptr<asio::ssl::context> tls) {
  auto session = std::make_shared<Session<TlsStream>>(std::move(shared), std::move(socket), *tls);
  session->keep_alive_with(std::move(tls));
  session->start();
}

}  // namespace shiming::http::detail
