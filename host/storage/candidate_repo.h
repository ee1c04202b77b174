#pragma once
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

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
  // Many people at once on the caller's session (Cases::open_many), a few statements per 500:
  // the keyed hash of a (normalised) ID number; the candidate id of each hash already in the
  // province; new candidates (id, province, hash and identity set by the caller) inserted with
  // multi-row INSERTs. Both throw on a database error; insert_many's duplicate key (another host
  // created one of them in between) rolls back only that statement.
  std::string hash_of(std::string_view id_number) const { return keys_.keyed_hash(normalise_id_number(id_number)); }
  std::unordered_map<std::string, std::string> ids_by_hash(soci::session& s, const std::string& province,
                                                           const std::vector<std::string>& hashes);
  void insert_many(soci::session& s, const std::vector<Candidate>& candidates);
  // The candidate id of each ID number (keyed by the number as given) known in the province.
  // Error DATABASE_ERROR.
  sdk::Result<std::unordered_map<std::string, std::string>> find_ids(const std::string& province,
                                                                     const std::vector<std::string>& id_numbers);
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
