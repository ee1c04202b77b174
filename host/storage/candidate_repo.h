#pragma once
#include <optional>
#include <string>

#include "crypto/keyring.h"
#include "shiming/sdk/result.h"
#include "shiming/sdk/services.h"
#include "storage/database.h"
#include "storage/records.h"

namespace shiming::storage {

// Candidates (考生) per province, found by a keyed hash of the normalised ID
// number; name, ID number and phone are encrypted at rest.
class CandidateRepo {
 public:
  CandidateRepo(Database& db, const crypto::Keyring& keys) : db_(db), keys_(keys) {}

  // The candidate with this ID number in the province, created from `identity`
  // when new (an existing candidate is returned unchanged). Safe under races.
  sdk::Result<Candidate> find_or_create(const std::string& province,
                                        const sdk::DeclaredIdentity& identity,
                                        TimePoint now = std::chrono::system_clock::now());
  // The same on the caller's session (inside its transaction, e.g. Cases::open_many).
  sdk::Result<Candidate> find_or_create(soci::session& s, const std::string& province,
                                        const sdk::DeclaredIdentity& identity, TimePoint now);
  // Error NOT_FOUND when unknown.
  sdk::Result<Candidate> get(const std::string& id);
  std::optional<std::string> find_id(const std::string& province, const std::string& id_number);

  // Trimmed, upper-case (a trailing x becomes X).
  static std::string normalise_id_number(std::string_view id_number);

 private:
  Database& db_;
  const crypto::Keyring& keys_;
};

}  // namespace shiming::storage
