#include "storage/decision_repo.h"

#include "common/log.h"
#include "common/random.h"
#include "storage/sql_util.h"

namespace shiming::storage {

sdk::Result<std::string> DecisionRepo::append(const DecisionRecord& d) {
  const std::string id = d.id.empty() ? random_id() : d.id;
  try {
    auto s = db_.session();
    std::string reasons = d.reasons.dump();
    std::string created = sql::to_db(d.created_at);
    *s << "INSERT INTO decisions (id, case_id, actor_id, decision, reasons_json, comment, created_at) "
          "VALUES (:id, :c, :a, :d, :r, :cm, :t)",
        soci::use(id), soci::use(d.case_id), soci::use(d.actor_id), soci::use(d.decision), soci::use(reasons),
        soci::use(d.comment), soci::use(created);
    return id;
  } catch (const std::exception& e) {
    if (sql::is_foreign_key_violation(e)) return not_found("case", "案件");
    return database_error(e);
  }
}

std::vector<DecisionRecord> DecisionRepo::list(const std::string& case_id) {
  std::vector<DecisionRecord> out;
  try {
    auto s = db_.session();
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT id, case_id, actor_id, decision, reasons_json, comment, created_at FROM decisions "
                       "WHERE case_id = :c ORDER BY seq",
         soci::use(case_id));
    for (const auto& r : rows) {
      DecisionRecord d;
      d.id = sql::text(r, 0);
      d.case_id = sql::text(r, 1);
      d.actor_id = sql::text(r, 2);
      d.decision = sql::text(r, 3);
      auto reasons = nlohmann::json::parse(sql::text(r, 4), nullptr, false);
      d.reasons = reasons.is_discarded() ? nlohmann::json::array() : reasons;
      d.comment = sql::text(r, 5);
      d.created_at = sql::time(r, 6);
      out.push_back(std::move(d));
    }
  } catch (const std::exception& e) {
    log_event(spdlog::level::err, "decision list failed", {{"error", e.what()}});
  }
  return out;
}

}  // namespace shiming::storage
