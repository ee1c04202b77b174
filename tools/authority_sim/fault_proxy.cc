#include "fault_proxy.h"

#include <algorithm>
#include <array>
#include <atomic>

#include <boost/asio.hpp>

namespace shiming::authority_sim {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

struct FaultProxy::Impl {
  std::string address;
  unsigned short port;
  ProxyUpstreams upstreams;
  FaultState& faults;
  ConnectionMarks& marks;
  net::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  std::uint32_t next_source = 0;
  std::atomic<std::uint64_t> accepted{0};

  Impl(std::string a, unsigned short p, ProxyUpstreams u, FaultState& f, ConnectionMarks& m)
      : address(std::move(a)), port(p), upstreams(u), faults(f), marks(m) {}

  // A distinct loopback source address per upstream connection: the inner
  // server reports it as the request's remote address (see connection_marks.h).
  net::ip::address_v4 source_address() {
    std::uint32_t n = next_source++ % (250u * 250u);
    return net::ip::address_v4((127u << 24) | (77u << 16) | ((n / 250 + 1) << 8) | (n % 250 + 1));
  }

  void accept();
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(FaultProxy::Impl& proxy, tcp::socket client)
      : proxy_(proxy), client_(std::move(client)), upstream_(proxy.ioc), timer_(proxy.ioc) {}

  ~Session() { proxy_.marks.clear(source_); }

  void start() {
    const bool expired = proxy_.faults.get().expired_certificate && proxy_.upstreams.expired_port;
    const unsigned short port = expired ? proxy_.upstreams.expired_port : proxy_.upstreams.normal_port;
    error_code ec;
    auto src = proxy_.source_address();
    source_ = src.to_string();
    upstream_.open(tcp::v4(), ec);
    if (!ec) upstream_.bind(tcp::endpoint(src, 0), ec);
    if (ec) return close();
    auto self = shared_from_this();
    upstream_.async_connect(tcp::endpoint(net::ip::make_address_v4("127.0.0.1"), port),
                            [self](error_code e) {
                              if (e) return self->close();
                              self->pump_up();
                              self->pump_down();
                            });
  }

 private:
  // client -> inner server: forwarded as is.
  void pump_up() {
    auto self = shared_from_this();
    client_.async_read_some(net::buffer(up_), [self](error_code ec, std::size_t n) {
      if (ec) return self->close();
      net::async_write(self->upstream_, net::buffer(self->up_.data(), n),
                       [self](error_code e, std::size_t) {
                         if (e) return self->close();
                         self->pump_up();
                       });
    });
  }

  // inner server -> client: where the faults happen.
  void pump_down() {
    auto self = shared_from_this();
    upstream_.async_read_some(net::buffer(down_), [self](error_code ec, std::size_t n) {
      if (ec) return self->close();
      if (auto m = self->proxy_.marks.take(self->source_)) self->mark_ = *m;
      if (self->mark_.reset) return self->reset();
      if (self->mark_.delay_ms > 0) {
        int delay = std::exchange(self->mark_.delay_ms, 0);
        self->timer_.expires_after(std::chrono::milliseconds(delay));
        self->timer_.async_wait([self, n](error_code) { self->send_down(n, 0); });
        return;
      }
      self->send_down(n, 0);
    });
  }

  // Sends down_[from, n); trickled in 16-byte pieces when the answer is slow.
  void send_down(std::size_t n, std::size_t from) {
    auto self = shared_from_this();
    if (!mark_.slow) {
      net::async_write(client_, net::buffer(down_.data() + from, n - from),
                       [self](error_code e, std::size_t) {
                         if (e) return self->close();
                         self->pump_down();
                       });
      return;
    }
    constexpr std::size_t kPiece = 16;
    std::size_t len = std::min(kPiece, n - from);
    net::async_write(client_, net::buffer(down_.data() + from, len),
                     [self, n, from, len](error_code e, std::size_t) {
                       if (e) return self->close();
                       if (from + len >= n) return self->pump_down();
                       auto pieces = std::max<std::size_t>(1, n / kPiece);
                       auto wait = std::max<long long>(1, self->mark_.slow_ms / static_cast<long long>(pieces));
                       self->timer_.expires_after(std::chrono::milliseconds(wait));
                       self->timer_.async_wait([self, n, from, len](error_code) {
                         self->send_down(n, from + len);
                       });
                     });
  }

  void reset() {
    error_code ec;
    client_.set_option(net::socket_base::linger(true, 0), ec);
    client_.close(ec);
    upstream_.close(ec);
  }

  void close() {
    error_code ec;
    client_.shutdown(tcp::socket::shutdown_both, ec);
    client_.close(ec);
    upstream_.close(ec);
    timer_.cancel();
  }

  FaultProxy::Impl& proxy_;
  tcp::socket client_;
  tcp::socket upstream_;
  net::steady_timer timer_;
  std::string source_;
  ConnectionMark mark_;
  std::array<char, 16 * 1024> up_{};
  std::array<char, 16 * 1024> down_{};
};

}  // namespace

void FaultProxy::Impl::accept() {
  acceptor.async_accept([this](error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
    if (!ec) {
      ++accepted;
      std::make_shared<Session>(*this, std::move(socket))->start();
    }
    accept();
  });
}

FaultProxy::FaultProxy(std::string address, unsigned short port, ProxyUpstreams upstreams,
                       FaultState& faults, ConnectionMarks& marks)
    : impl_(std::make_unique<Impl>(std::move(address), port, upstreams, faults, marks)) {}

FaultProxy::~FaultProxy() { stop(); }

sdk::Status FaultProxy::start() {
  error_code ec;
  auto addr = net::ip::make_address(impl_->address, ec);
  if (ec) return sdk::make_error("BIND_FAILED", "Bad listen address " + impl_->address + ".",
                                 "监听地址无效：" + impl_->address + "。");
  tcp::endpoint ep(addr, impl_->port);
  impl_->acceptor.open(ep.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(ep, ec);
  if (!ec) impl_->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    return sdk::make_error("BIND_FAILED",
                           "Cannot listen on " + impl_->address + ":" + std::to_string(impl_->port) +
                               ": " + ec.message(),
                           "无法监听 " + impl_->address + ":" + std::to_string(impl_->port) + "。");
  impl_->accept();
  return {};
}

unsigned short FaultProxy::port() const {
  error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

std::uint64_t FaultProxy::connections_accepted() const { return impl_->accepted.load(); }

void FaultProxy::run() { impl_->ioc.run(); }

void FaultProxy::stop() {
  net::post(impl_->ioc, [impl = impl_.get()] {
    error_code ec;
    impl->acceptor.close(ec);
  });
  impl_->ioc.stop();
}

}  // namespace shiming::authority_sim
