// Webhooks waiting to be delivered, persisted in the host's record store (collection
// "bank_outbox", index pending | delivered | dead) so a restart drops none. Failed deliveries
// are retried with exponential backoff: base, 2*base, 4*base ... up to the maximum delay.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>
#include <shiming/sdk/services.h>

#include "bank_settings.h"
#include "http_post.h"

namespace shiming::bank {

struct OutboxItem {
  std::string id;          // "<submission>#<seq>": delivered in this order per submission
  std::string province, bank_key_id, url;
  std::string body;        // the JSON event
};

class Outbox {
 public:
  // send: signs and POSTs one item (the channel supplies it); 2xx = delivered.
  using Sender = std::function<PostResult(const nlohmann::json& item)>;
  Outbox(sdk::RecordStore& records, sdk::Clock& clock, sdk::Logger& logger, DeliveryConfig config, Sender send)
      : records_(records), clock_(clock), logger_(logger), config_(config), send_(std::move(send)) {}

  sdk::Status enqueue(const OutboxItem& item);
  // Delivers every pending item that is due; returns how many were delivered.
  int deliver_due();
  // The delay before attempt n+1 after n failed attempts.
  std::chrono::seconds backoff(int failed_attempts) const;

 private:
  sdk::RecordStore& records_;
  sdk::Clock& clock_;
  sdk::Logger& logger_;
  DeliveryConfig config_;
  Sender send_;
};

}  // namespace shiming::bank
