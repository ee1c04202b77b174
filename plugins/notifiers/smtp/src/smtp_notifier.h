#pragma once
// The `smtp` notifier: sends each notification as an e-mail through libcurl's
// SMTP client (STARTTLS off / when offered / required; smtps:// for implicit
// TLS). The subject (zh-CN by default) is RFC 2047 encoded; the body carries
// the zh-CN text and then the English one. No e-mail address: skipped. A
// server that is down or answers 4xx: retry later. 5xx to the recipient: failed.
#include <string>

#include "shiming/sdk/plugin.h"

namespace shiming::notifiers {

struct SmtpSettings {
  std::string url;            // smtp://host:port or smtps://host:port
  std::string from;           // envelope and header sender address
  std::string from_name;
  std::string username, password;
  std::string starttls = "try";  // off | try | required
  bool verify_peer = true;
  std::string ca_file;
  int timeout_seconds = 20;
  std::string subject_language = "zh";  // zh | en
};

class SmtpNotifier : public sdk::NotifierBase {
 public:
  explicit SmtpNotifier(const sdk::PluginInit& init);
  static sdk::ConfigSchema config_schema();
  static sdk::ConfigSchema rules_schema() { return {}; }
  const SmtpSettings& settings() const { return settings_; }

  // The full message (headers and body) for a notification to `to`.
  std::string message(const sdk::Notification& n, const std::string& to) const;

 protected:
  sdk::NotifyResult run(const sdk::Notification& n) override;

 private:
  SmtpSettings settings_;
  sdk::Clock& clock_;
};

}  // namespace shiming::notifiers
