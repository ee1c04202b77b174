#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crypto/keyring.h"
#include "shiming/sdk/services.h"
#include "storage/database.h"

namespace shiming::storage {

// sdk::RecordStore over the records table; values encrypted (AAD
// "record/<collection>/<key>"), `index` kept in clear for listing.
class RecordRepo : public sdk::RecordStore {
 public:
  RecordRepo(Database& db, const crypto::Keyring& keys) : db_(db), keys_(keys) {}
  // Insert or replace. Errors: BAD_RECORD_KEY (empty / too long), DATABASE_ERROR.
  sdk::Status put(const std::string& collection, const std::string& key,
                  const nlohmann::json& value, const std::string& index = {}) override;
  std::optional<nlohmann::json> get(const std::string& collection, const std::string& key) override;
  // Records of the collection with this index (all of the collection when
  // `index` is empty), ordered by key.
  std::vector<std::pair<std::string, nlohmann::json>> list(const std::string& collection,
                                                           const std::string& index) override;
  sdk::Status remove(const std::string& collection, const std::string& key) override;

 private:
  Database& db_;
  const crypto::Keyring& keys_;
};

}  // namespace shiming::storage
