#pragma once
// Notifications (SDK 1.2 Notifier plugins): every case status change, a
// deadline warning N days before a session's verification deadline (N from
// the province rules' deadline_warning_days) and the expiry. The request that
// changes a case only writes outbox rows (storage::NotificationOutbox); a
// background sender claims due rows, hands them to the notifier plugins and
// retries with exponential backoff. A restart loses nothing (the rows are in
// the database); several hosts on one database send each row once (lease) and
// store each warning once (unique event key).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <optional>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "common/dates.h"
#include "shiming/sdk/notifier.h"
#include "storage/notification_outbox.h"
#include "storage/records.h"

namespace shiming {

class Hub;

// What the texts are rendered from (no clear personal data but the masked name).
struct NotificationFacts {
  std::string event;          // sdk::notify_event::*
  std::string case_id;
  std::string status;         // the status the event is about
  std::string from_status;    // status_changed: the previous one
  std::string province_name, province_name_en;
  std::string session_name, session_name_en;
  std::string name_masked;
  std::optional<TimePoint> deadline;  // the session's verification deadline
  std::optional<TimePoint> due_at;    // submitted: the SLA date
  int days_left = 0;                  // deadline_warning
};

struct RenderedNotification {
  std::string subject_zh, body_zh, subject_en, body_en;
};

// zh-CN and English subject and body of a notification.
RenderedNotification render_notification(const NotificationFacts& facts);

// One e-mail address safe to put into a mail header (no spaces, line breaks,
// brackets or lists; one @ with text on both sides).
bool plausible_email(const std::string& email);

// "2027-03-20 17:00" in Beijing time (UTC+8, the exam offices' time).
std::string beijing_time(TimePoint t);

struct RetryPolicy {
  std::chrono::seconds base{30};
  std::chrono::seconds max{3600};
  int max_attempts = 20;
  // Delay before the next try after `attempts` failed tries (1-based):
  // base * 2^(attempts-1), capped at max.
  std::chrono::seconds delay(int attempts) const;
  // True when a failure after `attempts` tries is the last one.
  bool exhausted(int attempts) const { return attempts >= max_attempts; }
};

class NotificationCenter {
 public:
  explicit NotificationCenter(Hub& hub);
  ~NotificationCenter();

  // Settings from host.yaml's notifications section.
  void configure(const nlohmann::json& section);
  void add_notifier(const std::string& name, sdk::Notifier* notifier);
  // Drops every notifier (before their plugins unload); stops the sender.
  void clear_notifiers();
  bool enabled() const { return !notifiers_.empty(); }
  const RetryPolicy& retry_policy() const { return retry_; }

  // Writes the outbox rows of a committed status change (`c.status` is the
  // old status). Never sends and never fails the caller (errors are logged).
  void on_status_change(const storage::CaseRecord& c, const std::string& to, TimePoint now);
  // Writes the deadline warnings due at `now`; returns how many rows this call stored.
  std::size_t sweep_warnings(TimePoint now);
  // Claims and sends what is due at `now`, at most `max` entries; returns how many it handled.
  std::size_t send_due(TimePoint now, std::size_t max = 100);

  void start();
  void stop();
  void wake();

  storage::NotificationOutbox& outbox() { return outbox_; }

 private:
  // Returns how many rows (one per notifier) this call stored.
  std::size_t enqueue(const storage::CaseRecord& c, const std::string& event_key, const NotificationFacts& facts,
               TimePoint now, const nlohmann::json& data);
  void deliver(const storage::OutboxEntry& e, TimePoint now);
  void loop();

  Hub& hub_;
  storage::NotificationOutbox outbox_;
  std::map<std::string, sdk::Notifier*> notifiers_;
  RetryPolicy retry_;
  std::chrono::milliseconds poll_{1000};
  std::chrono::seconds lease_{120};
  std::chrono::seconds warning_sweep_every_{30};
  std::string owner_;
  std::set<std::string> warned_;  // event keys this process already stored or found
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;
};

}  // namespace shiming
