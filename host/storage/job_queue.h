#pragma once
// The job queue, in the database, shared by every worker of every host.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "shiming/sdk/result.h"
#include "storage/database.h"
#include "storage/records.h"

namespace shiming::storage {

class JobQueue {
 public:
  explicit JobQueue(Database& db) : db_(db) {}

  // Returns the new job id.
  sdk::Result<std::string> enqueue(const std::string& case_id, const std::string& kind,
                                   int priority, TimePoint run_after,
                                   TimePoint now = std::chrono::system_clock::now());

  // Claims one job for `worker_id` until now + lease: a queued job whose
  // run_after <= now, or a running job whose lease expired (a dead worker);
  // highest priority first, then oldest run_after, then oldest created_at.
  // MariaDB: SELECT ... FOR UPDATE SKIP LOCKED; SQLite: inside BEGIN IMMEDIATE.
  // nullopt when nothing is due (or on a database error, logged).
  std::optional<Job> claim(const std::string& worker_id, std::chrono::seconds lease, TimePoint now);

  // When `worker_id` is given, the job must still be leased to it (else LEASE_LOST).
  // Errors: NOT_FOUND, LEASE_LOST.
  sdk::Status complete(const std::string& id, const std::string& worker_id = {},
                       TimePoint now = std::chrono::system_clock::now());
  // Back to queued, due at run_after, with the error kept in last_error.
  sdk::Status retry_later(const std::string& id, TimePoint run_after, const std::string& error,
                          const std::string& worker_id = {},
                          TimePoint now = std::chrono::system_clock::now());
  sdk::Status fail(const std::string& id, const std::string& error,
                   const std::string& worker_id = {},
                   TimePoint now = std::chrono::system_clock::now());
  sdk::Status extend_lease(const std::string& id, const std::string& worker_id,
                           TimePoint lease_until, TimePoint now = std::chrono::system_clock::now());

  sdk::Result<Job> get(const std::string& id);
  // queued + running.
  std::int64_t depth();
  // state -> count (states with no job are absent).
  std::map<std::string, std::int64_t> counts();
  // Deletes done and failed jobs last updated before `updated_before`; returns how many.
  sdk::Result<std::int64_t> purge_finished(TimePoint updated_before);

 private:
  sdk::Status finish(const std::string& id, const std::string& worker_id, const std::string& set_sql,
                     const std::string& state, const std::string& error,
                     const std::optional<TimePoint>& run_after, TimePoint now);
  Database& db_;
};

}  // namespace shiming::storage
