#pragma once
#include <string>
#include <vector>

#include "shiming/sdk/result.h"
#include "storage/database.h"
#include "storage/records.h"

namespace shiming::storage {

// Reviewers' decisions on cases.
class DecisionRepo {
 public:
  explicit DecisionRepo(Database& db) : db_(db) {}
  // Generates the id when empty. Returns the id.
  sdk::Result<std::string> append(const DecisionRecord& d);
  // Oldest first. Empty on a database error (logged).
  std::vector<DecisionRecord> list(const std::string& case_id);

 private:
  Database& db_;
};

}  // namespace shiming::storage
