#include "storage/notification_outbox.h"

#include "common/log.h"
#include "common/random.h"
#include "storage/migrations.h"
#include "storage/leased_rows.h"
#include "storage/sql_util.h"

namespace shiming::storage {
namespace {

constexpr const char* kColumns =
    "id, event_key, notifier, event, case_id, province, payload_enc, state, attempts, next_attempt_at, "
    "lease_owner, lease_until, last_error, created_at, updated_at, sent_at";

std::string aad(const std::string& id) { return "outbox/" + id; }
std::string clip(const std::string& s) { return s.size() > 2000 ? s.substr(0, 2000) : s; }

sdk::Error lease_lost(const std::string& id) {
  return sdk::make_error("LEASE_LOST", "outbox entry " + id + " is no longer leased to this sender",
                         "通知 " + id + " 已不属于当前发送线程");
}

}  // namespace

OutboxEntry NotificationOutbox::from_row(const soci::row& r) {
  OutboxEntry e;
  e.id = sql::text(r, 0);
  e.event_key = sql::text(r, 1);
  e.notifier = sql::text(r, 2);
  e.event = sql::text(r, 3);
  e.case_id = sql::text(r, 4);
  e.province = sql::text(r, 5);
  auto plain = keys_.decrypt(sql::text(r, 6), aad(e.id));
  if (plain) e.payload = nlohmann::json::parse(*plain, nullptr, false);
  if (!plain || e.payload.is_discarded()) e.payload = nlohmann::json::object();
  e.state = sql::text(r, 7);
  e.attempts = static_cast<int>(sql::integer(r, 8));
  e.next_attempt_at = sql::time(r, 9);
  e.lease_owner = sql::text(r, 10);
  e.lease_until = sql::opt_time(r, 11);
  e.last_error = sql::text(r, 12);
  e.created_at = sql::time(r, 13);
  e.updated_at = sql::time(r, 14);
  e.sent_at = sql::opt_time(r, 15);
  return e;
}

sdk::Result<bool> NotificationOutbox::enqueue(OutboxEntry entry, TimePoint now) {
  if (entry.event_key.empty() || entry.event_key.size() > 160 || entry.notifier.empty() ||
      entry.notifier.size() > 64 || entry.event.empty() || entry.event.size() > 32)
    return sdk::make_error("BAD_OUTBOX_ENTRY", "outbox entry needs an event key, a notifier and an event",
                           "通知记录缺少事件或通知插件", "event_key");
  if (entry.id.empty()) entry.id = random_id();
  try {
    auto s = db_.session();
    std::string payload = keys_.encrypt(entry.payload.dump(), aad(entry.id));
    std::string next = sql::to_db(entry.next_attempt_at), t = sql::to_db(now);
    std::string state = outbox_state::kPending;
    soci::statement st =
        (s->prepare << expand("{INSERT_IGNORE} INTO notification_outbox (id, event_key, notifier, event, case_id, "
                              "province, payload_enc, state, attempts, next_attempt_at, created_at, updated_at) "
                              "VALUES (:id, :k, :n, :e, :c, :p, :pl, :st, 0, :na, :t, :t2)",
                              db_.dialect()),
         soci::use(entry.id), soci::use(entry.event_key), soci::use(entry.notifier), soci::use(entry.event),
         soci::use(entry.case_id), soci::use(entry.province), soci::use(payload), soci::use(state),
         soci::use(next), soci::use(t), soci::use(t));
    return sql::execute_count(st) == 1;
  } catch (const std::exception& e) {
    if (sql::is_duplicate_key(e)) return false;
    return database_error(e);
  }
}

std::optional<OutboxEntry> NotificationOutbox::claim(const std::string& owner, std::chrono::seconds lease,
                                                     TimePoint now) {
  static const LeasedTable kOutbox{"notification_outbox", kColumns, outbox_state::kSending, "outbox"};
  // The oldest due pending entry first; else one whose sender's lease expired.
  auto pick = [](soci::session& tx, const std::string& at, const std::string& lock) -> std::string {
    auto probe = [&](const char* where, const char* order) -> std::string {
      std::string id;
      soci::indicator ind = soci::i_null;
      tx << "SELECT id FROM notification_outbox WHERE " << where << " ORDER BY " << order << " LIMIT 1" << lock,
          soci::use(at), soci::into(id, ind);
      return tx.got_data() && ind == soci::i_ok ? id : std::string();
    };
    std::string id = probe("state = 'pending' AND next_attempt_at <= :now", "next_attempt_at, created_at, id");
    if (id.empty()) id = probe("state = 'sending' AND lease_until <= :now", "lease_until, id");
    return id;
  };
  return claim_leased<OutboxEntry>(db_, kOutbox, owner, lease, now, pick,
                                   [this](const soci::row& r) { return from_row(r); });
}

sdk::Status NotificationOutbox::finish(const std::string& id, const std::string& owner, const std::string& state,
                                       const std::string& error, const std::optional<TimePoint>& next_attempt,
                                       TimePoint now) {
  try {
    auto s = db_.session();
    std::string t = sql::to_db(now), err = clip(error);
    // sent_at only for sent; next_attempt_at only for a retry (else unchanged).
    std::string next = next_attempt ? sql::to_db(*next_attempt) : std::string();
    sql::Nullable sent = state == outbox_state::kSent ? sql::Nullable{t, soci::i_ok} : sql::Nullable{};
    soci::statement stmt =
        (s->prepare << "UPDATE notification_outbox SET state = :st, lease_owner = NULL, lease_until = NULL, "
                       "last_error = :e, updated_at = :t, sent_at = :sa, "
                       "next_attempt_at = CASE WHEN :has_next = 1 THEN :na ELSE next_attempt_at END "
                       "WHERE id = :id AND state = 'sending' AND lease_owner = :o",
         soci::use(state), soci::use(err), soci::use(t), soci::use(sent.value, sent.ind),
         soci::use(next_attempt ? 1 : 0), soci::use(next), soci::use(id), soci::use(owner));
    if (sql::execute_count(stmt) == 1) return sdk::Status::Ok();
    int n = 0;
    *s << "SELECT COUNT(*) FROM notification_outbox WHERE id = :id", soci::use(id), soci::into(n);
    if (n == 0) return not_found("outbox entry", "通知记录");
    return lease_lost(id);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

sdk::Status NotificationOutbox::mark_done(const std::string& id, const std::string& owner, const std::string& state,
                                          const std::string& error, TimePoint now) {
  return finish(id, owner, state, error, std::nullopt, now);
}

sdk::Status NotificationOutbox::retry_later(const std::string& id, const std::string& owner, TimePoint next_attempt,
                                            const std::string& error, TimePoint now) {
  return finish(id, owner, outbox_state::kPending, error, next_attempt, now);
}

sdk::Result<OutboxEntry> NotificationOutbox::get(const std::string& id) {
  try {
    auto s = db_.session();
    soci::row r;
    *s << "SELECT " << kColumns << " FROM notification_outbox WHERE id = :id", soci::use(id), soci::into(r);
    if (!s->got_data()) return not_found("outbox entry", "通知记录");
    return from_row(r);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

std::vector<OutboxEntry> NotificationOutbox::for_case(const std::string& case_id) {
  std::vector<OutboxEntry> out;
  try {
    auto s = db_.session();
    soci::rowset<soci::row> rows = (s->prepare << "SELECT " << kColumns << " FROM notification_outbox "
                                                  "WHERE case_id = :c ORDER BY created_at, event_key, notifier",
                                    soci::use(case_id));
    for (const auto& r : rows) out.push_back(from_row(r));
  } catch (const std::exception& e) {
    log_event(spdlog::level::err, "outbox list failed", {{"error", e.what()}});
  }
  return out;
}

std::map<std::string, std::int64_t> NotificationOutbox::counts() {
  std::map<std::string, std::int64_t> out;
  try {
    auto s = db_.session();
    soci::rowset<soci::row> rows = (s->prepare << "SELECT state, COUNT(*) FROM notification_outbox GROUP BY state");
    for (const auto& r : rows) out[sql::text(r, 0)] = sql::integer(r, 1);
  } catch (const std::exception& e) {
    log_event(spdlog::level::err, "outbox count failed", {{"error", e.what()}});
  }
  return out;
}

}  // namespace shiming::storage
