#include "storage/migrations.h"

#include <algorithm>
#include <utility>

namespace shiming::storage {

std::string expand(const std::string& statement, Dialect dialect) {
  static const std::pair<const char*, std::pair<const char*, const char*>> kTokens[] = {
      {"{TEXT}", {"TEXT", "MEDIUMTEXT"}},
      {"{LONGTEXT}", {"TEXT", "LONGTEXT"}},
      {"{DOUBLE}", {"REAL", "DOUBLE"}},
      {"{SEQ_PK}", {"INTEGER PRIMARY KEY", "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY"}},
      {"{TABLE}", {"", "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"}},
      {"{INSERT_IGNORE}", {"INSERT OR IGNORE", "INSERT IGNORE"}},
      {"{ON_JOBS}", {"", " ON jobs"}},
  };
  std::string out = statement;
  for (const auto& [token, values] : kTokens) {
    const std::string replacement = dialect == Dialect::sqlite ? values.first : values.second;
    const std::string t = token;
    for (std::size_t pos = out.find(t); pos != std::string::npos; pos = out.find(t, pos + replacement.size()))
      out.replace(pos, t.size(), replacement);
  }
  return out;
}

const std::vector<Migration>& all_migrations() {
  static const std::vector<Migration> kAll = [] {
    std::vector<Migration> v{migration_0001_initial(), migration_0002_job_claim_indexes(),
                            migration_0003_notification_outbox()};
    std::sort(v.begin(), v.end(), [](const Migration& a, const Migration& b) { return a.version < b.version; });
    return v;
  }();
  return kAll;
}

}  // namespace shiming::storage
