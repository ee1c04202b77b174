#pragma once
// Admission control (issue 8, peak days): decides before a request's body is
// read whether the host takes it. Beast-free and thread-safe.
//
// Every route has a class: `exempt` (health, metrics, the busy-time notice:
// always answered), `light` (the default) or `heavy` (uploads, submits, case
// opening, sign-in: work that costs CPU, disk or a verification job).
//  - Per client: a token bucket per client, `client_rate` tokens a second up to
//    `client_burst`; a light request costs 1, a heavy one `heavy_cost`. The
//    client is the bearer token when the request carries one, else the remote
//    address (or the `client_ip_header` a trusted proxy sets). Over it: 429
//    RATE_LIMITED with Retry-After = when the bucket holds enough again.
//    And at most `client_max_in_flight_heavy` heavy requests of one client
//    served at once: more -> 429 CLIENT_BUSY (one client cannot fill the
//    host's heavy slots with parallel uploads).
//  - Per host, heavy requests only: more than `max_in_flight_heavy` being
//    served at once (a heavy request counts from its header until its response
//    is ready, so slow uploads count) -> 503 HOST_BUSY; the job queue (read
//    through `queue_depth`, sampled at most every `queue_sample`) at or over
//    `max_queue_depth` -> 503 QUEUE_FULL with Retry-After estimated from the
//    excess jobs, `seconds_per_job` and `workers`.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/metrics.h"
#include "shiming/sdk/http.h"

namespace shiming::http {

enum class AdmissionClass : std::uint8_t { exempt, light, heavy };

struct AdmissionOptions {
  bool enabled = false;
  double client_rate = 20;      // tokens per second per client; 0: no per-client limit
  double client_burst = 60;     // bucket size
  double heavy_cost = 5;        // tokens a heavy request takes (a light one takes 1)
  int max_in_flight_heavy = 0;  // 0: no limit
  int client_max_in_flight_heavy = 0;  // per client; 0: no limit
  std::int64_t max_queue_depth = 0;  // 0: no limit
  double seconds_per_job = 5;   // Retry-After estimate for QUEUE_FULL
  int workers = 1;              // threads running jobs (for the estimate)
  std::chrono::milliseconds queue_sample{1000};
  std::size_t max_clients = 100000;  // buckets kept; beyond it a token falls back to its address
  std::string client_ip_header;      // e.g. "X-Real-IP" behind a trusted reverse proxy; empty: peer address
  // "METHOD /pattern" as registered (HEAD follows GET); a trailing '*' matches a prefix.
  std::vector<std::string> exempt_routes;
  std::vector<std::string> heavy_routes;
  std::function<std::int64_t()> queue_depth;  // jobs queued or running; unset: no queue limit

  // From host.yaml's validated `admission:` block (keys as in docs/admission.md);
  // absent keys keep the defaults above. Not set here: workers, queue_depth.
  static AdmissionOptions from_json(const nlohmann::json& j);
};

class Admission {
 public:
  // A heavy request's place among those in flight; released on destruction.
  class Slot {
   public:
    Slot() = default;
    explicit Slot(std::atomic<int>* counter) : counter_(counter) {}
    Slot(Slot&& o) noexcept : counter_(o.counter_), client_counter_(o.client_counter_) {
      o.counter_ = o.client_counter_ = nullptr;
    }
    Slot& operator=(Slot&& o) noexcept {
      if (this != &o) {
        release();
        counter_ = o.counter_;
        client_counter_ = o.client_counter_;
        o.counter_ = o.client_counter_ = nullptr;
      }
      return *this;
    }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() { release(); }
    void release() {
      if (counter_) counter_->fetch_sub(1, std::memory_order_relaxed);
      if (client_counter_) client_counter_->fetch_sub(1, std::memory_order_relaxed);
      counter_ = client_counter_ = nullptr;
    }
    // Also counts the request among its client's heavy requests (already incremented).
    void hold_client(std::atomic<int>* c) { client_counter_ = c; }

   private:
    std::atomic<int>* counter_ = nullptr;
    std::atomic<int>* client_counter_ = nullptr;
  };

  struct Verdict {
    bool admitted = true;
    int status = 200;         // 429 or 503 when refused
    int retry_after = 0;      // seconds, when refused
    sdk::Error error;         // when refused
    Slot slot;                // held by an admitted heavy request
  };

  // `routes`: (method, pattern) by router index (Router::routes()).
  Admission(AdmissionOptions options, const std::vector<std::pair<std::string, std::string>>& routes,
            Metrics& metrics);
  ~Admission();
  Admission(const Admission&) = delete;
  Admission& operator=(const Admission&) = delete;

  bool enabled() const { return options_.enabled; }
  AdmissionClass route_class(std::size_t route_index) const;

  // `bearer`: the token of `Authorization: Bearer ...` (empty when none);
  // `remote`: the peer address; `forwarded`: the client_ip_header's value.
  Verdict admit(std::size_t route_index, std::string_view bearer, std::string_view remote,
                std::string_view forwarded, std::int64_t now_ns);

  // Drops buckets that have refilled (a fresh client is the same as a full bucket).
  void sweep(std::int64_t now_ns);

  int in_flight_heavy() const { return in_flight_.load(std::memory_order_relaxed); }
  std::size_t tracked_clients() const;

  // The 429/503 response for a refusal (error envelope + Retry-After).
  static sdk::HttpResponse response(const Verdict& v);

 private:
  struct Bucket {
    double tokens = 0;
    std::int64_t last_ns = 0;
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::uint64_t, Bucket> buckets;
    // Heavy requests in flight per client; incremented under `mu`, released
    // without it; an entry at 0 is dropped by sweep() (no Slot points to it).
    std::unordered_map<std::uint64_t, std::unique_ptr<std::atomic<int>>> in_flight;
  };
  static constexpr std::size_t kShards = 16;

  // Takes `cost` from the client's bucket; 0 when taken, else seconds to wait.
  // `tracked`: whether the client has a bucket (false: new and no room, not limited).
  int take(std::uint64_t key, double cost, std::int64_t now_ns, bool may_insert, bool* tracked);
  std::int64_t sampled_queue_depth(std::int64_t now_ns);
  std::uint64_t hash(char kind, std::string_view s) const;
  void refused(const char* reason);

  AdmissionOptions options_;
  Metrics& metrics_;
  std::vector<AdmissionClass> classes_;
  std::atomic<int> in_flight_{0};
  std::atomic<std::int64_t> queue_depth_{0};
  std::atomic<std::int64_t> queue_sampled_ns_{0};
  std::atomic<bool> queue_sampling_{false};
  std::atomic<std::size_t> clients_{0};
  std::uint64_t seed_ = 0;
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace shiming::http
