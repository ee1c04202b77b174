// The `bank` channel: partner bank branches submit verifications on the hub's behalf over a
// signed API (HMAC-SHA256 or Ed25519, ±clock_skew, nonces refused on replay, mutual TLS where
// the rules ask), the province's bank pipeline runs, and every status change is POSTed back as
// a signed webhook from a persisted outbox (background thread, exponential backoff).
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include <shiming/sdk/plugin.h>

#include "bank_settings.h"
#include "outbox.h"

namespace shiming::bank {

inline constexpr int kDefaultSlaWorkingDays = 5;

struct Caller {
  std::string province;
  PartnerBank bank;
};

class BankChannel : public sdk::ChannelBase {
 public:
  explicit BankChannel(const sdk::PluginInit& init);
  ~BankChannel() override;  // stops the delivery thread (an in-flight POST is aborted)

  static sdk::ConfigSchema config_schema() { return bank_config_schema(); }
  static sdk::ConfigSchema rules_schema() { return bank_rules_schema(); }

  std::vector<sdk::DocumentPolicy> documents(const nlohmann::json& settings) const override;
  std::vector<std::string> opener_roles() const override { return {"bank"}; }
  int default_sla_working_days() const override { return kDefaultSlaWorkingDays; }
  sdk::Status check_submit(const sdk::CaseView& c, const std::vector<std::string>& evidence_present,
                           const nlohmann::json& settings) const noexcept override;
  std::vector<sdk::RouteSpec> routes() const override;

  // One pass of the background work (status changes -> outbox, deliveries, nonce purge).
  void tick();

 protected:
  sdk::HttpResponse serve(const std::string& route_id, const sdk::HttpRequest& request) override;

 private:
  // Checks headers, bank, certificate, timestamp, signature and nonce, in that order.
  sdk::Result<Caller> authenticate(const sdk::HttpRequest& r, int& status);
  sdk::HttpResponse submit(const sdk::HttpRequest& r);
  sdk::HttpResponse poll(const sdk::HttpRequest& r);
  sdk::HttpResponse public_key(const sdk::HttpRequest& r);
  nlohmann::json status_json(const nlohmann::json& submission, const sdk::CaseView& c) const;
  void scan_status_changes();
  // Queues a webhook when the case's status differs from the last one sent; saves the submission.
  void record_change(const std::string& key, nlohmann::json& sub, const sdk::CaseView& c);
  void purge_nonces();
  PostResult send_webhook(const nlohmann::json& item);
  void loop();

  sdk::Host& host_;
  DeliveryConfig delivery_;
  std::array<std::uint8_t, 32> hub_public_{};
  std::array<std::uint8_t, 64> hub_secret_{};
  std::unique_ptr<Outbox> outbox_;
  std::mutex nonce_mu_;
  std::mutex submit_mu_;
  std::mutex tick_mu_;
  long long purged_until_bucket_ = 0;
  std::atomic<bool> stopping_{false};
  std::mutex wait_mu_;
  std::condition_variable wake_;
  std::thread worker_;
};

}  // namespace shiming::bank
