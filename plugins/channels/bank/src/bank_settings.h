// The province's settings for the `bank` channel: its partner banks (`channels.bank.settings`),
// and the plugin's own host.yaml section (callback delivery).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <shiming/sdk/config_schema.h>
#include <shiming/sdk/result.h>

namespace shiming::bank {

struct PartnerBank {
  std::string code, name, name_en;
  std::vector<std::string> branches;
  bool enabled = true;
  std::string key_id;              // the X-Shiming-Key-Id the bank signs with (default: code)
  std::string auth = "ed25519";    // ed25519 | hmac_sha256
  std::string public_key_file;     // Ed25519: PEM (SubjectPublicKeyInfo) or base64 of 32 bytes
  std::string hmac_secret_file;    // HMAC-SHA256: the shared secret (at least 32 bytes)
  bool mutual_tls = false;         // the request must come with a verified client certificate
  std::string client_cert_subject; // when set, the certificate subject must contain it
  std::string callback_url;        // status webhooks (https; http only when allowed in host.yaml)
};

struct BankSettings {
  std::vector<PartnerBank> banks;
  const PartnerBank* by_key_id(const std::string& key_id) const;
};

struct DeliveryConfig {
  int retry_base_seconds = 30;
  int retry_max_seconds = 3600;
  int max_attempts = 12;
  int timeout_seconds = 10;
  int poll_interval_ms = 1000;
  int clock_skew_seconds = 300;
  bool allow_http_callbacks = false;
  bool background = true;  // false: only tick() delivers (a host that must not send webhooks)
};

sdk::ConfigSchema bank_rules_schema();
sdk::ConfigSchema bank_config_schema();
sdk::Result<BankSettings> parse_bank_settings(const nlohmann::json& settings);
DeliveryConfig parse_delivery_config(const nlohmann::json& config);

}  // namespace shiming::bank
