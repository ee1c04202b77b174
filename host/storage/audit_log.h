#pragma once
// The append-only audit trail, chained by hash:
//   hash = sha256_hex(prev_hash + "\n" + canonical(entry))
// where canonical(entry) is the JSON array
//   [seq, created_at, actor_role, actor_id, province, case_id, action,
//    from_status, to_status, reason]
// Appends are serialised on the row audit_head (SELECT ... FOR UPDATE on
// MariaDB, BEGIN IMMEDIATE on SQLite), so threads and hosts cannot fork it.
#include <string>
#include <vector>

#include "shiming/sdk/result.h"
#include "storage/database.h"
#include "storage/records.h"

namespace shiming::storage {

class AuditLog {
 public:
  explicit AuditLog(Database& db) : db_(db) {}

  // Assigns seq, prev_hash and hash. Returns the stored entry.
  sdk::Result<AuditEntry> append(const AuditEntry& entry);
  // Appends `entries` in order inside the caller's write transaction on `tx`
  // (the head row is read FOR UPDATE on MariaDB and written once); assigns
  // seq, prev_hash and hash in place. Throws on a database error, so the
  // caller's transaction rolls back with everything it wrote.
  sdk::Status append_in(soci::session& tx, std::vector<AuditEntry>& entries);
  // Oldest first. Empty on a database error (logged).
  std::vector<AuditEntry> list_for_case(const std::string& case_id);
  // Walks the whole chain; reports the first seq that does not chain
  // (edited, deleted, reordered, or a truncated tail against audit_head).
  AuditVerifyResult verify();

  static std::string canonical(const AuditEntry& e);
  static std::string chain_hash(const std::string& prev_hash, const AuditEntry& e);

 private:
  Database& db_;
};

}  // namespace shiming::storage
