#pragma once
// State shared by the listener and its sessions (internal to host/http).
// Sessions hold a shared_ptr to it, so it outlives the last of them whatever
// the destruction order of the io_context.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <chrono>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <optional>
#include <vector>

#include <boost/asio/thread_pool.hpp>

#include "http/admission.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"

namespace shiming::http::detail {

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Thread-safe: closes the connection if it is waiting for a next request.
  virtual void close_if_idle() = 0;
  // Thread-safe: closes the connection if its current I/O deadline (steady
  // clock, ns) has passed. Called by the server's timeout sweep.
  virtual void close_if_expired(std::int64_t now_ns) = 0;
};

inline std::int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch()).count();
}

class SessionRegistry {
 public:
  void add(SessionBase* s, std::weak_ptr<SessionBase> w) {
    std::lock_guard lock(mu_);
    sessions_.emplace(s, std::move(w));
  }
  void remove(SessionBase* s) {
    std::lock_guard lock(mu_);
    sessions_.erase(s);
  }
  std::size_t size() const {
    std::lock_guard lock(mu_);
    return sessions_.size();
  }
  std::vector<std::shared_ptr<SessionBase>> snapshot() const {
    std::lock_guard lock(mu_);
    std::vector<std::shared_ptr<SessionBase>> out;
    for (const auto& [_, w] : sessions_)
      if (auto s = w.lock()) out.push_back(std::move(s));
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions_;
};

struct ServerShared {
  ServerShared(ServerOptions o, const Router& r, Metrics& m)
      : options(std::move(o)), router(r), metrics(m), admission(options.admission, r.routes(), m) {
    auto pick = [](std::chrono::milliseconds ms, std::chrono::seconds s) {
      return ms.count() > 0 ? ms : std::chrono::duration_cast<std::chrono::milliseconds>(s);
    };
    read_timeout = pick(options.read_timeout_ms, options.read_timeout);
    write_timeout = pick(options.write_timeout_ms, options.write_timeout);
    idle_timeout = pick(options.idle_timeout_ms, options.idle_timeout);
    for (const auto& [method, pattern] : router.routes()) route_metrics.push_back(&metrics.route(method, pattern));
    unmatched = &metrics.route("", "unmatched");
    // Timeouts are enforced by a periodic sweep, precise to about a quarter
    // of the shortest timeout (no timer operation per read or write).
    auto shortest = std::min({read_timeout, write_timeout, idle_timeout, linger_time});
    sweep_interval = std::clamp(shortest / 4, std::chrono::milliseconds(5), std::chrono::milliseconds(500));
  }

  // After a response that closes the connection, how long unread client bytes are drained.
  std::chrono::milliseconds linger_time{2000};
  std::chrono::milliseconds sweep_interval{500};

  ServerOptions options;
  std::chrono::milliseconds read_timeout{}, write_timeout{}, idle_timeout{};
  const Router& router;
  Metrics& metrics;
  std::vector<RouteMetrics*> route_metrics;  // by Router route index
  RouteMetrics* unmatched = nullptr;
  Admission admission;
  std::atomic<bool> stopping{false};
  SessionRegistry sessions;
  // Where handlers of routes that are not quick run; none: on the I/O threads.
  std::optional<boost::asio::thread_pool::executor_type> handler_executor;
};

}  // namespace shiming::http::detail
