#pragma once
#include <optional>
#include <string>
#include <vector>

#include "shiming/sdk/result.h"
#include "storage/database.h"
#include "storage/records.h"

namespace shiming::storage {

// Staff accounts. Password hashes come from crypto::hash_password.
class UserRepo {
 public:
  explicit UserRepo(Database& db) : db_(db) {}
  // Generates the id when empty; returns it. Error USERNAME_TAKEN.
  sdk::Result<std::string> create(const User& u);
  // Error NOT_FOUND.
  sdk::Result<User> by_username(const std::string& username);
  sdk::Result<User> by_id(const std::string& id);
  std::vector<User> list(const std::string& province = {});
  // Returns the new failed_logins count.
  sdk::Result<int> record_failed_login(const std::string& id);
  // failed_logins = 0 and no lock.
  sdk::Status reset_failed_logins(const std::string& id);
  sdk::Status lock_until(const std::string& id, TimePoint until);
  sdk::Status set_password_hash(const std::string& id, const std::string& password_hash);

 private:
  Database& db_;
};

// Staff sessions, keyed by the hash of the bearer token.
class SessionRepo {
 public:
  explicit SessionRepo(Database& db) : db_(db) {}
  sdk::Status create(const std::string& token_hash, const std::string& user_id,
                     TimePoint expires_at, TimePoint now = std::chrono::system_clock::now());
  // nullopt when absent (expiry is the caller's check against its Clock).
  std::optional<SessionRecord> get(const std::string& token_hash);
  sdk::Status remove(const std::string& token_hash);
  // Deletes sessions with expires_at <= now; returns how many.
  sdk::Result<std::int64_t> purge_expired(TimePoint now);

 private:
  Database& db_;
};

}  // namespace shiming::storage
