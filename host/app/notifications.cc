#include "app/notifications.h"

#include <unistd.h>

#include "app/hub.h"
#include "common/log.h"
#include "common/random.h"
#include "core/case_state.h"
#include "shiming/sdk/pii.h"

namespace shiming {
namespace {

namespace ev = sdk::notify_event;

const char* label_en(const std::string& s) {
  if (s == "collecting") return "collecting documents";
  if (s == "submitted") return "submitted";
  if (s == "pending_review") return "under review";
  if (s == "verified") return "verified";
  if (s == "rejected") return "not passed";
  if (s == "expired") return "not verified (deadline passed)";
  return "updated";
}

std::string label_zh(const std::string& s) { return status_label_zh(s); }

}  // namespace

// A contact address we may put into a mail header: one address, no spaces or
// line breaks (header injection), an @ with text on both sides.
bool plausible_email(const std::string& e) {
  if (e.empty() || e.size() > 254) return false;
  auto at = e.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= e.size() || e.find('@', at + 1) != std::string::npos)
    return false;
  for (unsigned char c : e)
    if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == ',' || c == ';' || c == '"') return false;
  return true;
}

std::string beijing_time(TimePoint t) {
  auto local = std::chrono::floor<std::chrono::minutes>(t + std::chrono::hours(8));
  auto day = std::chrono::floor<std::chrono::days>(local);
  std::chrono::year_month_day ymd{day};
  auto hm = std::chrono::hh_mm_ss{local - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hm.hours().count()), static_cast<int>(hm.minutes().count()));
  return buf;
}

RenderedNotification render_notification(const NotificationFacts& f) {
  RenderedNotification r;
  const std::string office_zh = "【" + f.province_name + "软考办】";
  const std::string office_en = "[" + f.province_name_en + " exam office] ";
  const std::string greet_zh = (f.name_masked.empty() ? std::string("考生") : f.name_masked) + "，您好：";
  const std::string greet_en = "Dear " + (f.name_masked.empty() ? std::string("candidate") : f.name_masked) + ",";
  const std::string deadline_zh = f.deadline ? beijing_time(*f.deadline) + "（北京时间）" : std::string("截止时间");
  const std::string deadline_en = f.deadline ? beijing_time(*f.deadline) + " (Beijing time)" : std::string("the deadline");
  const std::string ref_zh = "（申请编号 " + f.case_id + "）";
  const std::string ref_en = " (case " + f.case_id + ")";

  if (f.event == ev::kDeadlineWarning) {
    const std::string days = std::to_string(f.days_left);
    r.subject_zh = office_zh + "实名认证将于" + days + "天后截止";
    r.subject_en = office_en + "Identity verification closes in " + days + (f.days_left == 1 ? " day" : " days");
    r.body_zh = greet_zh + "\n您报名的" + f.session_name + "实名认证" + ref_zh + "尚未完成（当前状态：" +
                label_zh(f.status) + "）。请于" + deadline_zh +
                "前完成实名认证，逾期将无法打印准考证。\n";
    r.body_en = greet_en + "\nyour identity verification for " + f.session_name_en + ref_en +
                " is not complete yet (status: " + label_en(f.status) + "). Please complete it before " +
                deadline_en + "; after that you cannot print your admission ticket.\n";
    return r;
  }

  if (f.event == ev::kExpired) {
    r.subject_zh = office_zh + "实名认证已截止，您未完成认证";
    r.subject_en = office_en + "Identity verification closed: you are not verified";
    r.body_zh = greet_zh + "\n" + f.session_name + "实名认证已于" + deadline_zh + "截止，您的申请" + ref_zh +
                "未完成认证。如省考试院允许补实名，请登录后按提示重新申请，或联系当地软考办。\n";
    r.body_en = greet_en + "\nidentity verification for " + f.session_name_en + " closed at " + deadline_en +
                " and your case" + ref_en +
                " was not verified. Where the exam office allows remediation, sign in and start a new "
                "attempt, or contact your local exam office.\n";
    return r;
  }

  // status_changed
  r.subject_zh = office_zh + "实名认证状态更新：" + label_zh(f.status);
  r.subject_en = office_en + "Identity verification: " + label_en(f.status);
  std::string what_zh, what_en;
  if (f.status == "submitted") {
    what_zh = "材料已提交";
    what_en = "We received your documents";
    if (f.due_at) {
      what_zh += "，预计于" + beijing_time(*f.due_at) + "（北京时间）前完成核验";
      what_en += " and expect to finish by " + beijing_time(*f.due_at) + " (Beijing time)";
    }
    what_zh += "。";
    what_en += ".";
  } else if (f.status == "pending_review") {
    what_zh = "您的材料已转交工作人员人工审核，请耐心等待。";
    what_en = "Staff will review your documents; please wait for the result.";
  } else if (f.status == "verified") {
    what_zh = "您已通过实名认证，可按时打印准考证。";
    what_en = "You are verified and can print your admission ticket when it is available.";
  } else if (f.status == "rejected") {
    what_zh = "您的实名认证未通过，请登录查看原因，并在截止时间前按要求补实名。";
    what_en = "Your verification did not pass. Sign in to see why, and start a new attempt before the deadline.";
  }
  r.body_zh = greet_zh + "\n您报名的" + f.session_name + "实名认证" + ref_zh + "状态已更新为「" +
              label_zh(f.status) + "」。" + what_zh + "\n";
  r.body_en = greet_en + "\nthe identity verification for " + f.session_name_en + ref_en + " is now \"" +
              label_en(f.status) + "\". " + what_en + "\n";
  return r;
}

std::chrono::seconds RetryPolicy::delay(int attempts) const {
  if (attempts < 1) attempts = 1;
  auto d = base;
  for (int i = 1; i < attempts && d < max; ++i) d *= 2;
  return std::min(d, max);
}

NotificationCenter::NotificationCenter(Hub& hub) : hub_(hub), outbox_(hub.db(), hub.keys()) {
  char name[256] = {0};
  gethostname(name, sizeof name - 1);
  owner_ = std::string(name) + ":" + std::to_string(getpid()) + ":" + random_token(4) + "/notify";
}

NotificationCenter::~NotificationCenter() { stop(); }

void NotificationCenter::configure(const nlohmann::json& s) {
  if (!s.is_object()) return;
  poll_ = std::chrono::milliseconds(s.value("poll_ms", 1000));
  retry_.base = std::chrono::seconds(s.value("retry_base_seconds", 30));
  retry_.max = std::chrono::seconds(s.value("retry_max_seconds", 3600));
  retry_.max_attempts = s.value("max_attempts", 20);
  lease_ = std::chrono::seconds(s.value("lease_seconds", 120));
  warning_sweep_every_ = std::chrono::seconds(s.value("warning_sweep_seconds", 60));
}

void NotificationCenter::add_notifier(const std::string& name, sdk::Notifier* n) {
  if (n) notifiers_[name] = n;
}

void NotificationCenter::clear_notifiers() {
  stop();
  notifiers_.clear();
}

std::size_t NotificationCenter::enqueue(const storage::CaseRecord& c, const std::string& event_key,
                                 const NotificationFacts& facts, TimePoint now, const nlohmann::json& data) {
  auto text = render_notification(facts);
  std::string email = c.identity.extra.value("email", "");
  if (!plausible_email(email)) email.clear();
  nlohmann::json payload = {{"event", facts.event},
                            {"case_id", c.id},
                            {"province", c.province},
                            {"exam_session", c.exam_session},
                            {"status", facts.status},
                            {"candidate_name_masked", facts.name_masked},
                            {"phone", c.identity.phone},
                            {"email", email},
                            {"subject_zh", text.subject_zh},
                            {"body_zh", text.body_zh},
                            {"subject_en", text.subject_en},
                            {"body_en", text.body_en},
                            {"created_at", format_time(now)},
                            {"data", data}};
  std::size_t stored = 0;
  for (const auto& [name, n] : notifiers_) {
    storage::OutboxEntry e;
    e.event_key = event_key;
    e.notifier = name;
    e.event = facts.event;
    e.case_id = c.id;
    e.province = c.province;
    e.payload = payload;
    e.next_attempt_at = now;
    auto r = outbox_.enqueue(std::move(e), now);
    if (!r)
      log_event(spdlog::level::err, "notification not stored",
                {{"case", c.id}, {"event", facts.event}, {"notifier", name}, {"error", r.error().message}});
    else if (*r)
      ++stored;
  }
  if (stored) wake();
  return stored;
}

void NotificationCenter::on_status_change(const storage::CaseRecord& c, const std::string& to, TimePoint now) {
  if (notifiers_.empty()) return;
  try {
    auto snap = hub_.rules().current();
    const auto* p = snap->province(c.province);
    const auto* s = p ? p->session(c.exam_session) : nullptr;
    NotificationFacts f;
    f.event = to == case_status::kExpired ? ev::kExpired : ev::kStatusChanged;
    f.case_id = c.id;
    f.status = to;
    f.from_status = c.status;
    f.province_name = p ? p->name : c.province;
    f.province_name_en = p ? p->name_en : c.province;
    f.session_name = s ? s->name : c.exam_session;
    f.session_name_en = s ? s->name_en : c.exam_session;
    f.name_masked = sdk::mask_name(c.identity.name);
    if (s) f.deadline = s->verification_deadline;
    f.due_at = c.due_at;
    nlohmann::json data = {{"from", c.status}, {"to", to}};
    if (f.deadline) data["deadline"] = format_time(*f.deadline);
    // A case passes through each status at most once (the state machine is acyclic).
    enqueue(c, "status:" + c.id + ":" + to, f, now, data);
  } catch (const std::exception& e) {
    log_event(spdlog::level::err, "notification failed", {{"case", c.id}, {"error", e.what()}});
  }
}

std::size_t NotificationCenter::sweep_warnings(TimePoint now) {
  if (notifiers_.empty()) return 0;
  static constexpr const char* kOpen[] = {case_status::kCollecting, case_status::kSubmitted,
                                          case_status::kPendingReview, case_status::kRejected};
  constexpr int kBatch = 500;
  std::size_t stored = 0;
  auto snap = hub_.rules().current();
  for (const auto& [code, province] : snap->provinces()) {
    if (province.deadline_warning_days.empty()) continue;
    for (const auto& session : province.sessions) {
      if (session.verification_deadline <= now) continue;
      // The smallest N whose moment has come: after a pause only the most
      // urgent reminder goes out, never a stale "7 days left".
      int due_days = 0;
      for (int n : province.deadline_warning_days)
        if (now >= session.verification_deadline - std::chrono::days(n) && (due_days == 0 || n < due_days))
          due_days = n;
      if (due_days == 0) continue;
      auto left = std::chrono::duration_cast<std::chrono::hours>(session.verification_deadline - now);
      int days_left = static_cast<int>((left.count() + 23) / 24);
      for (const char* status : kOpen) {
        for (int offset = 0;; offset += kBatch) {
          auto batch = hub_.case_repo.list_by_status(code, status, kBatch, offset);
          for (const auto& c : batch) {
            if (c.exam_session != session.id) continue;
            std::string key = "warning:" + c.id + ":" + session.id + ":" + std::to_string(due_days);
            if (warned_.count(key)) continue;
            NotificationFacts f;
            f.event = ev::kDeadlineWarning;
            f.case_id = c.id;
            f.status = c.status;
            f.province_name = province.name;
            f.province_name_en = province.name_en;
            f.session_name = session.name;
            f.session_name_en = session.name_en;
            f.name_masked = sdk::mask_name(c.identity.name);
            f.deadline = session.verification_deadline;
            f.days_left = std::max(1, days_left);
            stored += enqueue(c, key, f, now,
                    {{"deadline", format_time(session.verification_deadline)},
                     {"warning_days", due_days},
                     {"days_left", f.days_left}});
            warned_.insert(key);
          }
          if (static_cast<int>(batch.size()) < kBatch) break;
        }
      }
    }
  }
  if (stored > 0) log_event(spdlog::level::info, "deadline warnings stored", {{"count", stored}});
  return stored;
}

void NotificationCenter::deliver(const storage::OutboxEntry& e, TimePoint now) {
  const auto& p = e.payload;
  sdk::Notification n;
  n.id = e.id;
  n.event = e.event;
  n.case_id = e.case_id;
  n.province = e.province;
  n.exam_session = p.value("exam_session", "");
  n.status = p.value("status", "");
  n.candidate_name_masked = p.value("candidate_name_masked", "");
  n.phone = p.value("phone", "");
  n.email = p.value("email", "");
  n.subject_zh = p.value("subject_zh", "");
  n.body_zh = p.value("body_zh", "");
  n.subject_en = p.value("subject_en", "");
  n.body_en = p.value("body_en", "");
  n.created_at = p.value("created_at", "");
  n.attempt = e.attempts;
  n.data = p.value("data", nlohmann::json::object());

  sdk::NotifyResult result;
  auto it = notifiers_.find(e.notifier);
  if (it == notifiers_.end())
    result = sdk::NotifyResult::retry("NOTIFIER_NOT_LOADED", "notifier '" + e.notifier + "' is not loaded here");
  else
    result = it->second->send(n);

  sdk::Status st;
  std::string error = result.code.empty() ? result.message : result.code + ": " + result.message;
  switch (result.outcome) {
    case sdk::NotifyOutcome::sent:
      st = outbox_.mark_done(e.id, owner_, storage::outbox_state::kSent, "", now);
      break;
    case sdk::NotifyOutcome::skipped:
      st = outbox_.mark_done(e.id, owner_, storage::outbox_state::kSkipped, error, now);
      break;
    case sdk::NotifyOutcome::failed:
      st = outbox_.mark_done(e.id, owner_, storage::outbox_state::kFailed, error, now);
      break;
    case sdk::NotifyOutcome::retry:
      if (retry_.exhausted(e.attempts))
        st = outbox_.mark_done(e.id, owner_, storage::outbox_state::kFailed, "gave up: " + error, now);
      else
        st = outbox_.retry_later(e.id, owner_, now + retry_.delay(e.attempts), error, now);
      break;
  }
  log_event(result.outcome == sdk::NotifyOutcome::sent ? spdlog::level::info : spdlog::level::warn,
            "notification", {{"id", e.id}, {"case", e.case_id}, {"event", e.event}, {"notifier", e.notifier},
                             {"outcome", sdk::to_string(result.outcome)}, {"attempt", e.attempts},
                             {"code", result.code}});
  if (!st)
    log_event(spdlog::level::err, "notification state not saved", {{"id", e.id}, {"error", st.error().message}});
}

std::size_t NotificationCenter::send_due(TimePoint now, std::size_t max) {
  std::size_t handled = 0;
  while (handled < max && !stopping_) {
    auto e = outbox_.claim(owner_, lease_, now);
    if (!e) break;
    deliver(*e, now);
    ++handled;
  }
  return handled;
}

void NotificationCenter::start() {
  if (notifiers_.empty() || thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void NotificationCenter::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void NotificationCenter::wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void NotificationCenter::loop() {
  auto next_sweep = std::chrono::steady_clock::now();
  while (!stopping_) {
    try {
      if (std::chrono::steady_clock::now() >= next_sweep) {
        sweep_warnings(hub_.clock().now());
        next_sweep = std::chrono::steady_clock::now() + warning_sweep_every_;
      }
      send_due(hub_.clock().now());
    } catch (const std::exception& e) {
      log_event(spdlog::level::err, "notification sender failed", {{"error", e.what()}});
    }
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, poll_, [this] { return stopping_ || woken_; });
    woken_ = false;
  }
}

}  // namespace shiming
