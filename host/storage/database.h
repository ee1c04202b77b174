#pragma once
// The database: a SOCI connection pool over SQLite or MariaDB/MySQL, numbered
// migrations, and a transaction helper. Repositories (same code for both
// dialects) take a Database&.
//
// URLs:
//   sqlite:var/shiming.db            relative or absolute; parent directory created;
//                                    WAL, busy_timeout, foreign_keys on
//   mysql://user:password@host:port/db[?socket=/path/to.sock]
// Times are stored everywhere as ISO-8601 UTC text "2026-05-23T08:00:00Z"
// (fixed width, so text order is time order).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <soci/soci.h>

#include "shiming/sdk/result.h"

namespace shiming::storage {

enum class Dialect { sqlite, mysql };

class Database;

// An RAII lease of one pooled connection; gives it back on destruction.
class Session {
 public:
  Session(Session&& o) noexcept : db_(o.db_), pos_(o.pos_), s_(o.s_) { o.db_ = nullptr; }
  Session& operator=(Session&& o) noexcept;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session();
  soci::session& operator*() { return *s_; }
  soci::session* operator->() { return s_; }
  soci::session& get() { return *s_; }
  operator soci::session&() { return *s_; }  // NOLINT: implicit by design

 private:
  friend class Database;
  Session(Database* db, std::size_t pos, soci::session* s) : db_(db), pos_(pos), s_(s) {}
  Database* db_;
  std::size_t pos_;
  soci::session* s_;
};

class Database {
 public:
  // Errors: BAD_DATABASE_URL, DATABASE_UNAVAILABLE.
  static sdk::Result<std::unique_ptr<Database>> open(const std::string& url, int pool_size);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Dialect dialect() const { return dialect_; }
  int pool_size() const { return pool_size_; }
  // The URL with the password replaced by "***" (safe to log).
  const std::string& display_url() const { return display_url_; }

  // Blocks until a pooled connection is free. On MariaDB a connection idle for
  // longer than the idle check (default 5 s) is pinged first and reconnected
  // when the server dropped it (restart, wait_timeout).
  Session session();
  void set_idle_check(std::chrono::seconds idle) { idle_check_ = idle; }

  // Applies the numbered migrations not yet in schema_migrations, in order,
  // each once. Safe when several hosts start at once (SQLite: BEGIN IMMEDIATE;
  // MariaDB: GET_LOCK). Error: MIGRATION_FAILED.
  sdk::Status migrate();
  // The highest applied migration number (0 when none).
  sdk::Result<int> schema_version();

  // Runs `body` inside a write transaction on `s` (SQLite: BEGIN IMMEDIATE, so
  // writers queue on busy_timeout instead of failing to upgrade a read lock;
  // MariaDB: START TRANSACTION). Commits when body returns ok, rolls back when
  // it returns an error or throws (a thrown exception becomes DATABASE_ERROR).
  sdk::Status write_transaction(soci::session& s,
                                const std::function<sdk::Status(soci::session&)>& body);

 private:
  friend class Session;
  Database(Dialect d, int pool_size, std::string display_url);
  void give_back(std::size_t pos);
  Dialect dialect_;
  int pool_size_;
  std::string display_url_;
  std::unique_ptr<soci::connection_pool> pool_;
  std::vector<std::chrono::steady_clock::time_point> last_used_;  // per slot; touched by its holder only
  std::chrono::seconds idle_check_{5};
};

// A DATABASE_ERROR from an exception caught around SOCI calls.
sdk::Error database_error(const std::exception& e);
sdk::Error not_found(const std::string& what, const std::string& what_zh);

}  // namespace shiming::storage
