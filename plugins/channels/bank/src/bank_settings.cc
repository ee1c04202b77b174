#include "bank_settings.h"

namespace shiming::bank {
namespace {

sdk::ConfigField field(const char* name, sdk::FieldType type, bool required, nlohmann::json def, const char* doc) {
  sdk::ConfigField f;
  f.name = name;
  f.type = type;
  f.required = required;
  f.default_value = std::move(def);
  f.doc = doc;
  return f;
}

sdk::ConfigField integer(const char* name, int def, int min, int max, const char* doc) {
  auto f = field(name, sdk::FieldType::integer, false, def, doc);
  f.min = min;
  f.max = max;
  return f;
}

sdk::Error invalid(const std::string& key, const std::string& what) {
  return sdk::make_error("CHANNEL_SETTINGS_INVALID", "bank channel setting '" + key + "' " + what,
                         "银行渠道配置项 '" + key + "' 无效：" + what, key);
}

}  // namespace

const PartnerBank* BankSettings::by_key_id(const std::string& key_id) const {
  for (const auto& b : banks)
    if (b.key_id == key_id) return &b;
  return nullptr;
}

sdk::ConfigSchema bank_rules_schema() {
  auto bank = field("partner_banks", sdk::FieldType::list, false, nlohmann::json::array(),
                    "Partner banks whose branches verify candidates on the hub's behalf.");
  auto auth = field("auth", sdk::FieldType::string, false, "ed25519", "How the bank signs requests.");
  auth.allowed = {"ed25519", "hmac_sha256"};
  bank.fields = {
      field("code", sdk::FieldType::string, true, nullptr, "Bank code, e.g. ICBC."),
      field("name", sdk::FieldType::string, true, nullptr, "Name (zh-CN)."),
      field("name_en", sdk::FieldType::string, false, "", "Name (English)."),
      field("branches", sdk::FieldType::string_list, true, nullptr, "Branch codes allowed to submit."),
      field("enabled", sdk::FieldType::boolean, false, true, "A disabled bank is refused (BANK_DISABLED)."),
      field("key_id", sdk::FieldType::string, false, "", "Key id the bank sends in X-Shiming-Key-Id (default: code)."),
      auth,
      field("public_key_file", sdk::FieldType::string, false, "", "Ed25519 public key (PEM or base64), relative to the host's working directory."),
      field("hmac_secret_file", sdk::FieldType::string, false, "", "HMAC-SHA256 shared secret file (>= 32 bytes)."),
      field("mutual_tls", sdk::FieldType::boolean, false, false, "Require a verified TLS client certificate."),
      field("client_cert_subject", sdk::FieldType::string, false, "", "Text the client certificate subject must contain, e.g. CN=icbc-beijing."),
      field("callback_url", sdk::FieldType::string, false, "", "Where status webhooks are POSTed."),
  };
  sdk::ConfigSchema s;
  s.fields.push_back(bank);
  return s;
}

sdk::ConfigSchema bank_config_schema() {
  sdk::ConfigSchema s;
  s.fields = {
      integer("callback_retry_base_seconds", 30, 1, 86400, "First retry delay of a failed webhook; doubles each attempt."),
      integer("callback_retry_max_seconds", 3600, 1, 86400 * 7, "Longest delay between two attempts."),
      integer("callback_max_attempts", 12, 1, 100, "Attempts before a webhook is parked as dead (kept, logged)."),
      integer("callback_timeout_seconds", 10, 1, 120, "Timeout of one webhook POST."),
      integer("outbox_poll_ms", 1000, 50, 60000, "How often status changes and the outbox are looked at."),
      integer("clock_skew_seconds", 300, 30, 3600, "Accepted difference between a request's timestamp and the hub's clock."),
      field("allow_http_callbacks", sdk::FieldType::boolean, false, false, "Allow plain http:// callback URLs (tests only)."),
      field("background_delivery", sdk::FieldType::boolean, false, true,
            "Run the webhook thread in this host (false: this host accepts submissions but sends no webhooks)."),
  };
  return s;
}

sdk::Result<BankSettings> parse_bank_settings(const nlohmann::json& j) {
  BankSettings s;
  if (j.is_null()) return s;
  if (!j.is_object()) return invalid("settings", "must be a map");
  try {
    for (const auto& b : j.value("partner_banks", nlohmann::json::array())) {
      PartnerBank p;
      p.code = b.at("code").get<std::string>();
      p.name = b.at("name").get<std::string>();
      p.name_en = b.value("name_en", "");
      p.branches = b.at("branches").get<std::vector<std::string>>();
      p.enabled = b.value("enabled", true);
      p.key_id = b.value("key_id", "");
      if (p.key_id.empty()) p.key_id = p.code;
      p.auth = b.value("auth", "ed25519");
      p.public_key_file = b.value("public_key_file", "");
      p.hmac_secret_file = b.value("hmac_secret_file", "");
      p.mutual_tls = b.value("mutual_tls", false);
      p.client_cert_subject = b.value("client_cert_subject", "");
      p.callback_url = b.value("callback_url", "");
      if (p.auth != "ed25519" && p.auth != "hmac_sha256") return invalid("partner_banks.auth", "must be ed25519 or hmac_sha256");
      if (p.auth == "ed25519" && p.public_key_file.empty())
        return invalid("partner_banks." + p.code + ".public_key_file", "is required with auth ed25519");
      if (p.auth == "hmac_sha256" && p.hmac_secret_file.empty())
        return invalid("partner_banks." + p.code + ".hmac_secret_file", "is required with auth hmac_sha256");
      if (s.by_key_id(p.key_id)) return invalid("partner_banks.key_id", "'" + p.key_id + "' appears twice");
      s.banks.push_back(std::move(p));
    }
  } catch (const nlohmann::json::exception& e) {
    return invalid("partner_banks", std::string("has a missing or mistyped field (") + e.what() + ")");
  }
  return s;
}

DeliveryConfig parse_delivery_config(const nlohmann::json& c) {
  DeliveryConfig d;
  if (!c.is_object()) return d;
  d.retry_base_seconds = c.value("callback_retry_base_seconds", d.retry_base_seconds);
  d.retry_max_seconds = c.value("callback_retry_max_seconds", d.retry_max_seconds);
  d.max_attempts = c.value("callback_max_attempts", d.max_attempts);
  d.timeout_seconds = c.value("callback_timeout_seconds", d.timeout_seconds);
  d.poll_interval_ms = c.value("outbox_poll_ms", d.poll_interval_ms);
  d.clock_skew_seconds = c.value("clock_skew_seconds", d.clock_skew_seconds);
  d.allow_http_callbacks = c.value("allow_http_callbacks", d.allow_http_callbacks);
  d.background = c.value("background_delivery", d.background);
  return d;
}

}  // namespace shiming::bank
