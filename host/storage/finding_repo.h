#pragma once
#include <string>
#include <vector>

#include "crypto/keyring.h"
#include "shiming/sdk/result.h"
#include "storage/database.h"
#include "storage/records.h"

namespace shiming::storage {

// Verifier findings; details (extracted fields) are encrypted (AAD "finding/<id>").
class FindingRepo {
 public:
  FindingRepo(Database& db, const crypto::Keyring& keys) : db_(db), keys_(keys) {}
  // Generates the id when empty. Returns the id.
  sdk::Result<std::string> append(const FindingRecord& f);
  // In insertion order (created_at, then id). Empty on a database error (logged).
  std::vector<FindingRecord> list(const std::string& case_id);

 private:
  Database& db_;
  const crypto::Keyring& keys_;
};

}  // namespace shiming::storage
