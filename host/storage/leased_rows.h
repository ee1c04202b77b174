#pragma once
// Work rows handed out under a lease: the job queue and the notification
// outbox both keep rows that one worker at a time takes, marks as taken with a
// lease (owner, until) and an attempt count, and that another worker takes
// again when the lease expires. This is the one place that does the taking.
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include <soci/soci.h>

#include "common/dates.h"
#include "storage/database.h"

namespace shiming::storage {

struct LeasedTable {
  std::string table;        // e.g. "jobs"
  std::string columns;      // the columns the caller's row reader expects
  std::string taken_state;  // the state a leased row is in, e.g. "running"
  std::string log_name;     // e.g. "job" (log lines "job claim failed")
};

// Chooses the row to take inside the claim transaction. `now` is bound as the
// statement's only `:now` parameter; `lock` is " FOR UPDATE SKIP LOCKED" on
// MariaDB and empty on SQLite, to append to each SELECT. Returns the row id,
// or an empty string when nothing is due.
using LeasePicker =
    std::function<std::string(soci::session& tx, const std::string& now, const std::string& lock)>;

// In one write transaction: pick a row, set state = taken_state, lease_owner,
// lease_until = now + lease, attempts + 1, updated_at = now. Returns the id of
// the row taken; nothing when no row is due or the database failed (logged).
std::optional<std::string> claim_leased_id(Database& db, const LeasedTable& t, const std::string& owner,
                                           std::chrono::seconds lease, TimePoint now, const LeasePicker& pick);

// Reads `t.columns` of row `id` and hands it to `read`; false when the row is
// gone or the database failed (logged).
bool read_leased_row(Database& db, const LeasedTable& t, const std::string& id,
                     const std::function<void(const soci::row&)>& read);

// claim_leased_id then read_leased_row, converting the row with `from_row`.
template <class T, class FromRow>
std::optional<T> claim_leased(Database& db, const LeasedTable& t, const std::string& owner,
                              std::chrono::seconds lease, TimePoint now, const LeasePicker& pick,
                              FromRow&& from_row) {
  auto id = claim_leased_id(db, t, owner, lease, now, pick);
  if (!id) return std::nullopt;
  std::optional<T> out;
  read_leased_row(db, t, *id, [&](const soci::row& r) { out = from_row(r); });
  return out;
}

}  // namespace shiming::storage
