#pragma once
// Numbered schema migrations. Each lives in migrations/NNNN_name.cc and gives
// its statements with dialect tokens, expanded by expand():
//   {TEXT}      TEXT       | MEDIUMTEXT          (encrypted values, up to 16 MB)
//   {LONGTEXT}  TEXT       | LONGTEXT
//   {DOUBLE}    REAL       | DOUBLE
//   {SEQ_PK}    INTEGER PRIMARY KEY | BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY
//   {TABLE}     ""         | ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
//   {INSERT_IGNORE}  INSERT OR IGNORE | INSERT IGNORE
//   {ON_JOBS}   ""         |  ON jobs   (DROP INDEX names its table on MariaDB)
// Statements must be re-runnable (IF NOT EXISTS), because DDL on MariaDB
// commits implicitly: a migration interrupted half-way is simply run again.
#include <string>
#include <vector>

#include "storage/database.h"

namespace shiming::storage {

struct Migration {
  int version;
  std::string name;
  std::vector<std::string> statements;  // with dialect tokens
};

std::string expand(const std::string& statement, Dialect dialect);
// Every migration, ordered by version.
const std::vector<Migration>& all_migrations();

Migration migration_0001_initial();
Migration migration_0002_job_claim_indexes();
Migration migration_0003_notification_outbox();

}  // namespace shiming::storage
