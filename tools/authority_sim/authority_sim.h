#pragma once
// shiming-authority-sim assembled: the check service behind the inner TLS
// server(s), the fault proxy in front, and the plain-HTTP admin endpoint
// (faults and stats). Used by the executable, the tests and the benchmark.
#include <memory>
#include <thread>
#include <vector>

#include "check_service.h"
#include "connection_marks.h"
#include "fault_state.h"
#include "shiming/sdk/result.h"
#include "sim_config.h"

namespace shiming::http {
class Router;
class Metrics;
class Server;
}  // namespace shiming::http

namespace shiming::authority_sim {

class FaultProxy;

class AuthoritySim {
 public:
  // Loads the registry. Errors: SIM_REGISTRY_INVALID.
  static sdk::Result<std::unique_ptr<AuthoritySim>> create(SimConfig config);
  ~AuthoritySim();

  // Binds everything and serves on background threads. Errors: TLS_CONFIG, BIND_FAILED.
  sdk::Status start();
  void stop();  // idempotent; joins the threads

  unsigned short port() const;        // the public (proxy) port
  unsigned short admin_port() const;  // 0 when the admin endpoint is off
  std::uint64_t connections_accepted() const;  // by the public port
  FaultState& faults() { return faults_; }
  const SimStats& stats() const { return service_->stats(); }

 private:
  explicit AuthoritySim(SimConfig config);

  SimConfig config_;
  FaultState faults_;
  ConnectionMarks marks_;
  std::unique_ptr<CheckService> service_;
  std::unique_ptr<http::Router> router_, admin_router_;
  std::unique_ptr<http::Metrics> metrics_;
  std::unique_ptr<http::Server> inner_, expired_, admin_;
  std::unique_ptr<FaultProxy> proxy_;
  std::vector<std::thread> threads_;
  std::thread proxy_thread_;
  bool stopped_ = false;
};

}  // namespace shiming::authority_sim
