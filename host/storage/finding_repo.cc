#include "storage/finding_repo.h"

#include "common/log.h"
#include "common/random.h"
#include "storage/sql_util.h"

namespace shiming::storage {
namespace {
std::string aad(const std::string& id) { return "finding/" + id; }
}  // namespace

sdk::Result<std::string> FindingRepo::append(const FindingRecord& f) {
  const std::string id = f.id.empty() ? random_id() : f.id;
  try {
    auto s = db_.session();
    std::string reasons = f.reasons.dump();
    std::string details = keys_.encrypt(f.details.dump(), aad(id));
    std::string created = sql::to_db(f.created_at);
    double score = f.score;
    *s << "INSERT INTO findings (id, case_id, job_id, step, verifier, outcome, score, reasons_json, details_enc, "
          "created_at) VALUES (:id, :c, :j, :st, :v, :o, :sc, :r, :d, :t)",
        soci::use(id), soci::use(f.case_id), soci::use(f.job_id), soci::use(f.step), soci::use(f.verifier),
        soci::use(f.outcome), soci::use(score), soci::use(reasons), soci::use(details), soci::use(created);
    return id;
  } catch (const std::exception& e) {
    if (sql::is_foreign_key_violation(e)) return not_found("case", "案件");
    return database_error(e);
  }
}

std::vector<FindingRecord> FindingRepo::list(const std::string& case_id) {
  std::vector<FindingRecord> out;
  try {
    auto s = db_.session();
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT id, case_id, job_id, step, verifier, outcome, score, reasons_json, details_enc, "
                       "created_at FROM findings WHERE case_id = :c ORDER BY seq",
         soci::use(case_id));
    for (const auto& r : rows) {
      FindingRecord f;
      f.id = sql::text(r, 0);
      f.case_id = sql::text(r, 1);
      f.job_id = sql::text(r, 2);
      f.step = sql::text(r, 3);
      f.verifier = sql::text(r, 4);
      f.outcome = sql::text(r, 5);
      f.score = sql::real(r, 6);
      auto reasons = nlohmann::json::parse(sql::text(r, 7), nullptr, false);
      f.reasons = reasons.is_discarded() ? nlohmann::json::array() : reasons;
      auto details = keys_.decrypt(sql::text(r, 8), aad(f.id));
      if (details) {
        auto j = nlohmann::json::parse(*details, nullptr, false);
        if (!j.is_discarded()) f.details = std::move(j);
      } else {
        log_event(spdlog::level::err, "finding details not readable", {{"finding_id", f.id}, {"error", details.error().code}});
        f.details = {{"unreadable", details.error().code}};
      }
      f.created_at = sql::time(r, 9);
      out.push_back(std::move(f));
    }
  } catch (const std::exception& e) {
    log_event(spdlog::level::err, "finding list failed", {{"error", e.what()}});
  }
  return out;
}

}  // namespace shiming::storage
