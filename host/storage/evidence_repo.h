#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/keyring.h"
#include "shiming/sdk/result.h"
#include "storage/database.h"
#include "storage/records.h"

namespace shiming::storage {

// Evidence bytes live encrypted (AAD "<case id>/<kind>") in files under
// `evidence_dir` (<dir>/<case id[0:2]>/<case id>/<kind>.<random>.enc); the
// table holds the metadata. One row per (case, kind): a new upload replaces
// the earlier one.
class EvidenceRepo {
 public:
  EvidenceRepo(Database& db, const crypto::Keyring& keys, std::string evidence_dir);

  // Writes the file atomically (temp + fsync + rename + fsync dir), then the
  // row; the replaced file is deleted afterwards.
  // Errors: BAD_EVIDENCE_KIND, BAD_CASE_ID, EVIDENCE_WRITE_FAILED, DATABASE_ERROR.
  sdk::Status put(const std::string& case_id, const std::string& kind,
                  const std::string& content_type, const std::vector<std::uint8_t>& bytes,
                  const nlohmann::json& extra = nlohmann::json::object(),
                  TimePoint now = std::chrono::system_clock::now());
  // nullopt when absent, unreadable or failing authentication (logged).
  std::optional<StoredEvidence> get(const std::string& case_id, const std::string& kind);
  std::vector<EvidenceMeta> list(const std::string& case_id);
  // Deletes the row and the file (retention). OK when already absent.
  sdk::Status remove(const std::string& case_id, const std::string& kind);
  // Retention sweep input: evidence of these kinds (e.g. face, liveness-video)
  // on cases decided at or before `decided_before`, oldest decisions first.
  std::vector<EvidenceMeta> due_for_retention(const std::vector<std::string>& kinds, TimePoint decided_before,
                                              int limit = 500);

  const std::string& evidence_dir() const { return dir_; }

 private:
  Database& db_;
  const crypto::Keyring& keys_;
  std::string dir_;
};

}  // namespace shiming::storage
