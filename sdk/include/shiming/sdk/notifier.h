#pragma once
// SDK 1.2: the Notifier plugin kind. The host renders every notification
// (zh-CN and English subject and body) and keeps it in a durable outbox; a
// background sender hands each one to every configured notifier and retries
// with backoff until the notifier reports it delivered or refused for good.
// A notifier never blocks a request and no exception crosses the boundary.
//
//   class MyNotifier : public shiming::sdk::NotifierBase {
//    public:
//     explicit MyNotifier(const shiming::sdk::PluginInit& init);
//     static shiming::sdk::ConfigSchema config_schema();
//     static shiming::sdk::ConfigSchema rules_schema() { return {}; }
//    protected:
//     shiming::sdk::NotifyResult run(const shiming::sdk::Notification& n) override;
//   };
//   SHIMING_PLUGIN("notifier", "my_notifier", "1.0.0", "What it sends", MyNotifier)
#include <exception>
#include <string>
#include <type_traits>

#include <boost/config.hpp>
#include <nlohmann/json.hpp>

#include "shiming/sdk/plugin_object.h"

namespace shiming::sdk {

// Event kinds.
namespace notify_event {
inline constexpr const char* kStatusChanged = "status_changed";    // every case status change
inline constexpr const char* kDeadlineWarning = "deadline_warning";  // N days before the deadline
inline constexpr const char* kExpired = "expired";                  // the deadline passed unverified
}  // namespace notify_event

struct Notification {
  std::string id;            // the outbox entry (stable across retries: a receiver may dedupe on it)
  std::string event;         // notify_event::*
  std::string case_id;
  std::string province;
  std::string exam_session;
  std::string status;        // the case status the event is about
  std::string candidate_name_masked;  // 张*; never the clear name
  // Contact, decrypted by the host only to send; never log unmasked.
  std::string phone;
  std::string email;         // "" when the candidate gave none
  // Rendered by the host from the province rules and the event.
  std::string subject_zh;
  std::string body_zh;
  std::string subject_en;
  std::string body_en;
  std::string created_at;    // ISO 8601 UTC, when the event happened
  int attempt = 1;           // 1 on the first try
  nlohmann::json data = nlohmann::json::object();  // event details: deadline, days_left, from ...
};

enum class NotifyOutcome {
  sent,       // delivered (or handed to a system that will)
  retry,      // failed for now (server down, timeout): the host tries again later
  failed,     // refused for good (bad address): not retried
  skipped,    // nothing to do for this notification (e.g. no e-mail address)
};

struct NotifyResult {
  NotifyOutcome outcome = NotifyOutcome::sent;
  std::string code;     // machine code when not sent, e.g. SMTP_UNAVAILABLE
  std::string message;  // for the log (no personal data)
  static NotifyResult sent() { return {}; }
  static NotifyResult retry(std::string code, std::string message) {
    return {NotifyOutcome::retry, std::move(code), std::move(message)};
  }
  static NotifyResult failed(std::string code, std::string message) {
    return {NotifyOutcome::failed, std::move(code), std::move(message)};
  }
  static NotifyResult skipped(std::string code, std::string message) {
    return {NotifyOutcome::skipped, std::move(code), std::move(message)};
  }
};

inline const char* to_string(NotifyOutcome o) {
  switch (o) {
    case NotifyOutcome::sent: return "sent";
    case NotifyOutcome::retry: return "retry";
    case NotifyOutcome::failed: return "failed";
    case NotifyOutcome::skipped: return "skipped";
  }
  return "unknown";
}

// Called from the host's sender thread, one notification at a time per notifier.
class BOOST_SYMBOL_VISIBLE Notifier : public PluginObject {
 public:
  virtual NotifyResult send(const Notification& notification) noexcept = 0;
};

// Derive from this: send() turns any exception into a retry.
class NotifierBase : public Notifier {
 public:
  NotifyResult send(const Notification& notification) noexcept final {
    try {
      return run(notification);
    } catch (const std::exception& e) {
      return NotifyResult::retry("NOTIFIER_FAILED", std::string("internal error: ") + e.what());
    } catch (...) {
      return NotifyResult::retry("NOTIFIER_FAILED", "internal error");
    }
  }

 protected:
  virtual NotifyResult run(const Notification& notification) = 0;
};

namespace detail {
// The Notifier inside an object the plugin created (exported by SHIMING_PLUGIN
// as shiming_plugin_notifier, so the host needs no RTTI and PluginObject's
// vtable stays as SDK 1.1 laid it out).
template <class C>
Notifier* notifier_of(PluginObject* object) noexcept {
  if constexpr (std::is_base_of_v<Notifier, C>) {
    return object ? static_cast<C*>(object) : nullptr;
  } else {
    (void)object;
    return nullptr;
  }
}
}  // namespace detail

}  // namespace shiming::sdk
