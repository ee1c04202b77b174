#pragma once
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "crypto/keyring.h"
#include "shiming/sdk/result.h"
#include "storage/database.h"
#include "storage/records.h"

namespace shiming::storage {

// Cases (one verification attempt each). The declared identity is stored
// encrypted (AAD "case/<id>").
class CaseRepo {
 public:
  CaseRepo(Database& db, const crypto::Keyring& keys) : db_(db), keys_(keys) {}

  // Error CASE_EXISTS when the id is taken.
  sdk::Status insert(const CaseRecord& c);
  // The same on the caller's session (inside its transaction, e.g. Cases::open_many).
  sdk::Status insert(soci::session& s, const CaseRecord& c);
  // Error NOT_FOUND.
  sdk::Result<CaseRecord> get(const std::string& id);
  sdk::Result<CaseRecord> by_token_hash(const std::string& citizen_token_hash);

  // Compare-and-set: moves the case from `expected_from` to `to`, bumps
  // version and updated_at. When `expected_version` is given it must match too.
  // Errors: NOT_FOUND, CONFLICT (status/version changed under you).
  sdk::Status update_status(const std::string& id, const std::string& expected_from,
                            const std::string& to, TimePoint updated_at,
                            std::optional<std::int64_t> expected_version = std::nullopt);

  // Oldest first with expedited cases and earlier deadlines ahead.
  // `province` "" lists every province. Empty on a database error (logged).
  std::vector<CaseRecord> list_by_status(const std::string& province, const std::string& status,
                                         int limit, int offset);
  std::int64_t count_by_status(const std::string& province, const std::string& status);
  // The newest case (by created_at) of the candidate.
  std::optional<std::string> latest_for_candidate(const std::string& candidate_id);
  std::vector<CaseRecord> list_for_candidate(const std::string& candidate_id);
  // On the caller's session; throws on a database error (the caller's transaction rolls back).
  std::vector<CaseRecord> list_for_candidate(soci::session& s, const std::string& candidate_id);

  // Many at once (Cases::open_many, the roster's duplicate check), a few statements per 500.
  // On the caller's session, throwing on a database error: every case of these candidates,
  // oldest first per candidate (as list_for_candidate), and multi-row INSERTs (a duplicate key
  // rolls back only that statement).
  std::unordered_map<std::string, std::vector<CaseRecord>> list_for_candidates(
      soci::session& s, const std::vector<std::string>& candidate_ids);
  void insert_many(soci::session& s, const std::vector<CaseRecord>& cases);
  // The newest case of each candidate that has one (as latest_for_candidate). Error DATABASE_ERROR.
  sdk::Result<std::unordered_map<std::string, std::string>> latest_for_candidates(
      const std::vector<std::string>& candidate_ids);

  // A new citizen token (its hash) on the caller's session; the old one no longer finds the
  // case. Error NOT_FOUND; throws on a database error.
  sdk::Status set_citizen_token_hash(soci::session& s, const std::string& id, const std::string& token_hash,
                                     TimePoint now);

  // Setters; each bumps version and sets updated_at = the given time. Error NOT_FOUND.
  sdk::Status set_submitted_at(const std::string& id, TimePoint t);
  sdk::Status set_decided_at(const std::string& id, TimePoint t);
  sdk::Status set_due_at(const std::string& id, std::optional<TimePoint> t, TimePoint now);
  sdk::Status set_expedited(const std::string& id, bool expedited, TimePoint now);

 private:
  sdk::Status touch(const std::string& sql_set, const std::string& id,
                    const std::optional<std::string>& value, TimePoint now);
  Database& db_;
  const crypto::Keyring& keys_;
};

}  // namespace shiming::storage
