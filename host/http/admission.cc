#include "http/admission.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "common/log.h"

namespace shiming::http {
namespace {

constexpr const char* kRejectedMetric = "shiming_admission_rejected_total";

bool route_listed(const std::vector<std::string>& list, const std::string& method, const std::string& pattern) {
  for (const auto& entry : list) {
    const auto space = entry.find(' ');
    if (space == std::string::npos) continue;
    std::string_view m(entry.data(), space), p(entry.data() + space + 1, entry.size() - space - 1);
    if (m != method && m != "*") continue;
    if (!p.empty() && p.back() == '*') {
      p.remove_suffix(1);
      if (std::string_view(pattern).substr(0, p.size()) == p) return true;
    } else if (p == pattern) {
      return true;
    }
  }
  return false;
}

int ceil_seconds(double s) { return std::max(1, static_cast<int>(std::ceil(s))); }

}  // namespace

AdmissionOptions AdmissionOptions::from_json(const nlohmann::json& j) {
  AdmissionOptions o;
  if (!j.is_object()) return o;
  o.enabled = j.value("enabled", o.enabled);
  o.client_rate = j.value("client_rate", o.client_rate);
  o.client_burst = j.value("client_burst", o.client_burst);
  o.heavy_cost = j.value("heavy_cost", o.heavy_cost);
  o.max_in_flight_heavy = j.value("max_in_flight_heavy", o.max_in_flight_heavy);
  o.client_max_in_flight_heavy = j.value("client_max_in_flight_heavy", o.client_max_in_flight_heavy);
  o.max_queue_depth = j.value("max_queue_depth", o.max_queue_depth);
  o.seconds_per_job = j.value("seconds_per_job", o.seconds_per_job);
  o.queue_sample = std::chrono::milliseconds(j.value("queue_sample_ms", static_cast<std::int64_t>(o.queue_sample.count())));
  o.max_clients = j.value("max_clients", o.max_clients);
  o.client_ip_header = j.value("client_ip_header", o.client_ip_header);
  o.exempt_routes = j.value("exempt_routes", o.exempt_routes);
  o.heavy_routes = j.value("heavy_routes", o.heavy_routes);
  return o;
}

Admission::Admission(AdmissionOptions options, const std::vector<std::pair<std::string, std::string>>& routes,
                     Metrics& metrics)
    : options_(std::move(options)), metrics_(metrics), shards_(std::make_unique<Shard[]>(kShards)) {
  classes_.reserve(routes.size());
  for (const auto& [method, pattern] : routes) {
    AdmissionClass c = AdmissionClass::light;
    if (route_listed(options_.exempt_routes, method, pattern)) c = AdmissionClass::exempt;
    else if (route_listed(options_.heavy_routes, method, pattern)) c = AdmissionClass::heavy;
    classes_.push_back(c);
  }
  std::random_device rd;
  seed_ = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  if (!options_.enabled) return;
  for (const char* reason : {"client_rate", "client_in_flight", "host_in_flight", "queue_depth"})
    metrics_.counter_add(kRejectedMetric, {{"reason", reason}}, 0);
  metrics_.gauge_fn("shiming_admission_heavy_in_flight", "Heavy requests being served now",
                    [this] { return static_cast<double>(in_flight_heavy()); });
  metrics_.gauge_fn("shiming_admission_clients_tracked", "Clients with a partly used request budget",
                    [this] { return static_cast<double>(tracked_clients()); });
}

Admission::~Admission() {
  if (!options_.enabled) return;
  metrics_.remove_gauge("shiming_admission_heavy_in_flight");
  metrics_.remove_gauge("shiming_admission_clients_tracked");
}

AdmissionClass Admission::route_class(std::size_t route_index) const {
  return route_index < classes_.size() ? classes_[route_index] : AdmissionClass::light;
}

std::size_t Admission::tracked_clients() const { return clients_.load(std::memory_order_relaxed); }

// FNV-1a with a per-process random basis: clients cannot aim at another's bucket.
std::uint64_t Admission::hash(char kind, std::string_view s) const {
  std::uint64_t h = 0xcbf29ce484222325ull ^ seed_;
  auto mix = [&h](unsigned char c) {
    h ^= c;
    h *= 0x100000001b3ull;
  };
  mix(static_cast<unsigned char>(kind));
  for (char c : s) mix(static_cast<unsigned char>(c));
  return h;
}

int Admission::take(std::uint64_t key, double cost, std::int64_t now_ns, bool may_insert, bool* tracked) {
  Shard& shard = shards_[key % kShards];
  std::lock_guard lock(shard.mu);
  auto it = shard.buckets.find(key);
  *tracked = true;  // the client has a bucket (found or new)
  if (it == shard.buckets.end()) {
    if (!may_insert) {
      *tracked = false;
      return 0;
    }
    it = shard.buckets.emplace(key, Bucket{options_.client_burst, now_ns}).first;
    clients_.fetch_add(1, std::memory_order_relaxed);
  }
  Bucket& b = it->second;
  const double elapsed = static_cast<double>(std::max<std::int64_t>(0, now_ns - b.last_ns)) / 1e9;
  b.tokens = std::min(options_.client_burst, b.tokens + elapsed * options_.client_rate);
  b.last_ns = now_ns;
  if (b.tokens >= cost) {
    b.tokens -= cost;
    return 0;
  }
  return ceil_seconds((cost - b.tokens) / options_.client_rate);
}

std::int64_t Admission::sampled_queue_depth(std::int64_t now_ns) {
  const std::int64_t interval = std::chrono::duration_cast<std::chrono::nanoseconds>(options_.queue_sample).count();
  const std::int64_t last = queue_sampled_ns_.load(std::memory_order_acquire);
  if ((last == 0 || now_ns - last >= interval) && !queue_sampling_.exchange(true)) {
    // One thread refreshes; the others use the previous sample meanwhile.
    try {
      queue_depth_.store(options_.queue_depth(), std::memory_order_relaxed);
    } catch (const std::exception& e) {
      log_event(spdlog::level::warn, "admission: reading the job-queue depth failed", {{"error", e.what()}});
    }
    queue_sampled_ns_.store(now_ns, std::memory_order_release);
    queue_sampling_.store(false);
  }
  return queue_depth_.load(std::memory_order_relaxed);
}

void Admission::refused(const char* reason) { metrics_.counter_add(kRejectedMetric, {{"reason", reason}}); }

Admission::Verdict Admission::admit(std::size_t route_index, std::string_view bearer, std::string_view remote,
                                    std::string_view forwarded, std::int64_t now_ns) {
  Verdict v;
  if (!options_.enabled) return v;
  const AdmissionClass cls = route_class(route_index);
  if (cls == AdmissionClass::exempt) return v;
  const bool heavy = cls == AdmissionClass::heavy;

  // Host limits first: a request the host cannot take does not spend the client's budget.
  if (heavy && options_.max_in_flight_heavy > 0) {
    if (in_flight_.fetch_add(1, std::memory_order_relaxed) >= options_.max_in_flight_heavy) {
      in_flight_.fetch_sub(1, std::memory_order_relaxed);
      refused("host_in_flight");
      v.admitted = false;
      v.status = 503;
      v.retry_after = 2;
      v.error = {"HOST_BUSY",
                 "The service is very busy right now. Please try again in about 2 seconds.",
                 "系统当前繁忙，请约 2 秒后重试。", ""};
      return v;
    }
    v.slot = Slot(&in_flight_);
  }
  if (heavy && options_.max_queue_depth > 0 && options_.queue_depth) {
    const std::int64_t depth = sampled_queue_depth(now_ns);
    if (depth >= options_.max_queue_depth) {
      v.slot.release();
      refused("queue_depth");
      const double excess = static_cast<double>(depth - options_.max_queue_depth + 1);
      const int wait = std::min(3600, ceil_seconds(excess * options_.seconds_per_job / std::max(1, options_.workers)));
      v.admitted = false;
      v.status = 503;
      v.retry_after = wait;
      const std::string w = std::to_string(wait);
      v.error = {"QUEUE_FULL",
                 "Many verifications are waiting right now. Please try again in about " + w +
                     " seconds; GET /api/v1/provinces/{p}/load tells quieter times.",
                 "当前待核验的申请较多，请约 " + w + " 秒后再试；可查询省份负载接口了解空闲时段。", ""};
      return v;
    }
  }

  const std::string_view address = !forwarded.empty() ? forwarded : remote;
  if (options_.client_rate > 0) {
    const double cost = heavy ? options_.heavy_cost : 1.0;
    bool tracked = false;
    int wait = 0;
    const bool by_token = !bearer.empty();
    if (by_token) {
      // A full table: a new token is charged to its address instead.
      const bool room = tracked_clients() < options_.max_clients;
      wait = take(hash('t', bearer), cost, now_ns, room, &tracked);
      if (!tracked) wait = take(hash('a', address), cost, now_ns, true, &tracked);
    } else {
      wait = take(hash('a', address), cost, now_ns, tracked_clients() < options_.max_clients, &tracked);
    }
    if (wait > 0) {
      v.slot.release();
      refused("client_rate");
      v.admitted = false;
      v.status = 429;
      v.retry_after = wait;
      const std::string w = std::to_string(wait);
      v.error = {"RATE_LIMITED", "Too many requests from you. Please try again in " + w + " seconds.",
                 "您的请求过于频繁，请 " + w + " 秒后再试。", ""};
      return v;
    }
  }

  if (heavy && options_.client_max_in_flight_heavy > 0) {
    const std::uint64_t key = !bearer.empty() ? hash('t', bearer) : hash('a', address);
    Shard& shard = shards_[key % kShards];
    std::lock_guard lock(shard.mu);
    auto& counter = shard.in_flight[key];
    if (!counter) counter = std::make_unique<std::atomic<int>>(0);
    if (counter->load(std::memory_order_relaxed) >= options_.client_max_in_flight_heavy) {
      v.slot.release();
      refused("client_in_flight");
      v.admitted = false;
      v.status = 429;
      v.retry_after = 2;
      v.error = {"CLIENT_BUSY",
                 "You already have uploads or submissions in progress. Please wait for them to finish and try "
                 "again in about 2 seconds.",
                 "您已有正在处理的上传或提交，请等待其完成，约 2 秒后再试。", ""};
      return v;
    }
    counter->fetch_add(1, std::memory_order_relaxed);
    v.slot.hold_client(counter.get());
  }
  return v;
}

void Admission::sweep(std::int64_t now_ns) {
  if (!options_.enabled) return;
  for (std::size_t i = 0; i < kShards; ++i) {
    Shard& shard = shards_[i];
    std::lock_guard lock(shard.mu);
    std::erase_if(shard.in_flight, [](const auto& e) { return e.second->load(std::memory_order_relaxed) == 0; });
    if (options_.client_rate <= 0) continue;
    for (auto it = shard.buckets.begin(); it != shard.buckets.end();) {
      const double elapsed = static_cast<double>(std::max<std::int64_t>(0, now_ns - it->second.last_ns)) / 1e9;
      if (it->second.tokens + elapsed * options_.client_rate >= options_.client_burst) {
        it = shard.buckets.erase(it);
        clients_.fetch_sub(1, std::memory_order_relaxed);
      } else {
        ++it;
      }
    }
  }
}

sdk::HttpResponse Admission::response(const Verdict& v) {
  sdk::HttpResponse r = sdk::HttpResponse::error(v.status, v.error);
  r.headers.emplace_back("Retry-After", std::to_string(std::max(1, v.retry_after)));
  return r;
}

}  // namespace shiming::http
