#include "outbox.h"

#include <algorithm>
#include <set>

namespace shiming::bank {
namespace {

long long unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string submission_of(const std::string& id) { return id.substr(0, id.find('#')); }

}  // namespace

std::chrono::seconds Outbox::backoff(int failed) const {
  long long d = config_.retry_base_seconds;
  for (int i = 1; i < failed && d < config_.retry_max_seconds; ++i) d *= 2;
  return std::chrono::seconds(std::min<long long>(d, config_.retry_max_seconds));
}

sdk::Status Outbox::enqueue(const OutboxItem& item) {
  nlohmann::json v = {{"id", item.id}, {"province", item.province}, {"bank_key_id", item.bank_key_id},
                      {"url", item.url}, {"body", item.body}, {"attempts", 0},
                      {"next_at", unix_seconds(clock_.now())}, {"last_error", ""},
                      {"created_at", unix_seconds(clock_.now())}};
  return records_.put("bank_outbox", item.id, v, "pending");
}

int Outbox::deliver_due() {
  auto pending = records_.list("bank_outbox", "pending");
  // Ids sort as "<submission>#<seq>" with seq zero-padded: the first pending one of each
  // submission goes first; later events of that submission wait for it.
  std::sort(pending.begin(), pending.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::set<std::string> blocked;
  int delivered = 0;
  long long now = unix_seconds(clock_.now());
  for (auto& [key, item] : pending) {
    std::string sub = submission_of(key);
    if (blocked.count(sub)) continue;
    if (item.value("next_at", 0LL) > now) {
      blocked.insert(sub);
      continue;
    }
    PostResult r = send_(item);
    int attempts = item.value("attempts", 0) + 1;
    item["attempts"] = attempts;
    item["last_attempt_at"] = unix_seconds(clock_.now());
    if (r.status >= 200 && r.status < 300) {
      item["delivered_at"] = unix_seconds(clock_.now());
      item["last_error"] = "";
      (void)records_.put("bank_outbox", key, item, "delivered");
      ++delivered;
      continue;
    }
    blocked.insert(sub);
    item["last_error"] = r.status ? "HTTP " + std::to_string(r.status) : r.error;
    if (attempts >= config_.max_attempts) {
      (void)records_.put("bank_outbox", key, item, "dead");
      logger_.error("bank: webhook " + key + " parked after " + std::to_string(attempts) +
                    " attempts: " + item["last_error"].get<std::string>());
      continue;
    }
    item["next_at"] = unix_seconds(clock_.now()) + backoff(attempts).count();
    (void)records_.put("bank_outbox", key, item, "pending");
    logger_.warn("bank: webhook " + key + " attempt " + std::to_string(attempts) + " failed (" +
                 item["last_error"].get<std::string>() + "), next in " + std::to_string(backoff(attempts).count()) + " s");
  }
  return delivered;
}

}  // namespace shiming::bank
