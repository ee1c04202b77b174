#pragma once
// The gateway's one operation, POST /v1/identity/check: authenticates the
// caller (client certificate CN, HMAC signature, timestamp window, fresh
// nonce), applies rate limits and injected faults, answers per the registry,
// and replays the stored answer for a repeated idempotency key. Beast-free.
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "connection_marks.h"
#include "fault_state.h"
#include "photo_comparer.h"
#include "registry.h"
#include "replay_guard.h"
#include "shiming/sdk/http.h"
#include "sim_config.h"

namespace shiming::authority_sim {

struct SimStats {
  std::atomic<std::uint64_t> requests{0};
  std::array<std::atomic<std::uint64_t>, 7> answers{};  // by authority::Answer
  std::atomic<std::uint64_t> refused{0};                // 4xx: auth, replay, bad body
  std::atomic<std::uint64_t> injected_unavailable{0};
  std::atomic<std::uint64_t> injected_malformed{0};
  std::atomic<std::uint64_t> injected_reset{0};
  std::atomic<std::uint64_t> injected_slow{0};
  std::atomic<std::uint64_t> idempotent_replays{0};
  nlohmann::json to_json() const;
};

class CheckService {
 public:
  CheckService(const SimConfig& config, Registry registry, std::unique_ptr<PhotoComparer> photos,
               FaultState& faults, ConnectionMarks& marks);
  const char* photo_method() const { return photos_->method(); }
  sdk::HttpResponse handle(const sdk::HttpRequest& request);
  const SimStats& stats() const { return stats_; }

 private:
  sdk::HttpResponse refuse(int status, const std::string& code, const std::string& message,
                           const std::string& message_zh);
  nlohmann::json answer(const nlohmann::json& body, const std::string& photo);
  bool within_rate_limit(const ClientConfig& client, std::int64_t now_seconds);

  const SimConfig& config_;
  Registry registry_;
  std::unique_ptr<PhotoComparer> photos_;
  FaultState& faults_;
  ConnectionMarks& marks_;
  ReplayGuard replay_;
  SimStats stats_;

  struct Stored {
    std::string body_hash;
    std::string response;
  };
  std::mutex mu_;
  std::map<std::string, Stored> idempotent_;           // guarded by mu_ (client \n key)
  std::map<std::string, std::pair<std::int64_t, int>> rate_;  // guarded by mu_ (second, count)
};

}  // namespace shiming::authority_sim
