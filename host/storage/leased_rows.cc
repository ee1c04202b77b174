#include "storage/leased_rows.h"

#include "common/log.h"
#include "storage/sql_util.h"

namespace shiming::storage {

std::optional<std::string> claim_leased_id(Database& db, const LeasedTable& t, const std::string& owner,
                                           std::chrono::seconds lease, TimePoint now, const LeasePicker& pick) {
  const std::string lock = db.dialect() == Dialect::mysql ? " FOR UPDATE SKIP LOCKED" : "";
  const std::string at = sql::to_db(now), until = sql::to_db(now + lease);
  std::string claimed;
  auto s = db.session();
  sdk::Status st = db.write_transaction(*s, [&](soci::session& tx) -> sdk::Status {
    claimed = pick(tx, at, lock);
    if (claimed.empty()) return sdk::Status::Ok();
    tx << "UPDATE " << t.table
       << " SET state = :st, lease_owner = :o, lease_until = :u, attempts = attempts + 1, updated_at = :t "
          "WHERE id = :id",
        soci::use(t.taken_state), soci::use(owner), soci::use(until), soci::use(at), soci::use(claimed);
    return sdk::Status::Ok();
  });
  if (!st) {
    log_event(spdlog::level::err, t.log_name + " claim failed", {{"owner", owner}, {"error", st.error().message}});
    return std::nullopt;
  }
  if (claimed.empty()) return std::nullopt;
  return claimed;
}

bool read_leased_row(Database& db, const LeasedTable& t, const std::string& id,
                     const std::function<void(const soci::row&)>& read) {
  try {
    auto s = db.session();
    soci::row r;
    *s << "SELECT " << t.columns << " FROM " << t.table << " WHERE id = :id", soci::use(id), soci::into(r);
    if (!s->got_data()) return false;
    read(r);
    return true;
  } catch (const std::exception& e) {
    log_event(spdlog::level::err, t.log_name + " read failed", {{"error", e.what()}});
    return false;
  }
}

}  // namespace shiming::storage
