#pragma once
// How the fault proxy should treat the answer on one proxied connection.
// The proxy gives every upstream connection its own loopback source address
// (127.77.x.y), which the HTTP server reports as the request's remote
// address; the check handler marks that address, the proxy reads the mark
// when the answer's bytes arrive; every answer is marked (a neutral mark when
// no fault), so a kept-alive connection gets each answer's own. Thread-safe.
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace shiming::authority_sim {

struct ConnectionMark {
  bool reset = false;    // drop the answer and reset the client connection
  bool slow = false;     // trickle the answer over slow_ms
  int slow_ms = 0;
  int delay_ms = 0;      // hold the answer back this long
};

class ConnectionMarks {
 public:
  void mark(const std::string& address, ConnectionMark m);
  std::optional<ConnectionMark> take(const std::string& address);
  void clear(const std::string& address);

 private:
  std::mutex mu_;
  std::map<std::string, ConnectionMark> marks_;  // guarded by mu_
};

}  // namespace shiming::authority_sim
