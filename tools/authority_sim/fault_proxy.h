#pragma once
// The simulator's public TCP front. It forwards each connection to the TLS
// server inside the simulator and injects the faults an HTTP handler cannot:
// connection resets, slow (trickled) answers, added latency, and the expired
// certificate (by forwarding to a second server that presents it). TLS stays
// end to end between the client and the inner server; the proxy never
// decrypts. Asio stays inside fault_proxy.cc.
#include <cstdint>
#include <memory>
#include <string>

#include "connection_marks.h"
#include "fault_state.h"
#include "shiming/sdk/result.h"

namespace shiming::authority_sim {

struct ProxyUpstreams {
  unsigned short normal_port = 0;   // the inner server on 127.0.0.1
  unsigned short expired_port = 0;  // the inner server with the expired certificate; 0 = none
};

class FaultProxy {
 public:
  FaultProxy(std::string address, unsigned short port, ProxyUpstreams upstreams, FaultState& faults,
             ConnectionMarks& marks);
  ~FaultProxy();
  // Binds; error BIND_FAILED.
  sdk::Status start();
  unsigned short port() const;
  std::uint64_t connections_accepted() const;
  void run();   // serves on the calling thread until stop()
  void stop();  // from any thread

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace shiming::authority_sim
