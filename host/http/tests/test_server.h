#pragma once
// Runs a Server on an ephemeral loopback port in a background thread (tests).
#include <stdexcept>
#include <thread>

#include "http/server.h"

namespace shiming::http::testing {

class RunningServer {
 public:
  RunningServer(const Router& router, Metrics& metrics, ServerOptions options = {}) {
    options.address = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<Server>(std::move(options), router, metrics);
    auto status = server_->start();
    if (!status) throw std::runtime_error("server start failed: " + status.error().message);
    thread_ = std::thread([this] { server_->run(); });
  }
  ~RunningServer() { stop_and_join(); }

  unsigned short port() const { return server_->port(); }
  Server& server() { return *server_; }
  void stop_and_join() {
    if (!thread_.joinable()) return;
    server_->stop();
    thread_.join();
  }

 private:
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

}  // namespace shiming::http::testing
