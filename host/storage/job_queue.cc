#include "storage/job_queue.h"

#include <tuple>

#include "common/log.h"
#include "common/random.h"
#include "storage/leased_rows.h"
#include "storage/sql_util.h"

namespace shiming::storage {
namespace {

constexpr const char* kColumns =
    "id, case_id, kind, state, priority, attempts, run_after, lease_owner, lease_until, last_error, created_at, "
    "updated_at";

Job from_row(const soci::row& r) {
  Job j;
  j.id = sql::text(r, 0);
  j.case_id = sql::text(r, 1);
  j.kind = sql::text(r, 2);
  j.state = sql::text(r, 3);
  j.priority = static_cast<int>(sql::integer(r, 4));
  j.attempts = static_cast<int>(sql::integer(r, 5));
  j.run_after = sql::time(r, 6);
  j.lease_owner = sql::text(r, 7);
  j.lease_until = sql::opt_time(r, 8);
  j.last_error = sql::text(r, 9);
  j.created_at = sql::time(r, 10);
  j.updated_at = sql::time(r, 11);
  return j;
}

sdk::Error lease_lost(const std::string& id) {
  return sdk::make_error("LEASE_LOST", "job " + id + " is no longer leased to this worker",
                         "任务 " + id + " 已不属于当前工作线程");
}

// Keeps error texts bounded (they come from plugins and libraries).
std::string clip(const std::string& s) { return s.size() > 4000 ? s.substr(0, 4000) : s; }

}  // namespace

sdk::Result<std::string> JobQueue::enqueue(const std::string& case_id, const std::string& kind, int priority,
                                           TimePoint run_after, TimePoint now) {
  if (kind.empty() || kind.size() > 64)
    return sdk::make_error("BAD_JOB_KIND", "job kind must be 1..64 characters", "任务类型无效", "kind");
  const std::string id = random_id();
  try {
    auto s = db_.session();
    std::string ra = sql::to_db(run_after), t = sql::to_db(now), state = job_state::kQueued;
    *s << "INSERT INTO jobs (id, case_id, kind, state, priority, attempts, run_after, created_at, updated_at) "
          "VALUES (:id, :c, :k, :st, :p, 0, :ra, :t, :t2)",
        soci::use(id), soci::use(case_id), soci::use(kind), soci::use(state), soci::use(priority), soci::use(ra),
        soci::use(t), soci::use(t);
    return id;
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

std::optional<Job> JobQueue::claim(const std::string& worker_id, std::chrono::seconds lease, TimePoint now) {
  static const LeasedTable kJobs{"jobs", kColumns, job_state::kRunning, "job"};
  // Two index-ordered probes (an OR of both would sort every queued job): the
  // best due queued job, and the best running job whose worker stopped renewing
  // its lease. The better of the two by (priority, run_after, created_at, id)
  // is claimed.
  auto pick = [](soci::session& tx, const std::string& at, const std::string& lock) -> std::string {
    struct Candidate {
      std::string id, run_after, created_at;
      int priority = 0;
    };
    auto probe = [&](const char* where) -> std::optional<Candidate> {
      soci::row r;
      tx << "SELECT id, priority, run_after, created_at FROM jobs WHERE " << where
         << " ORDER BY priority DESC, run_after, created_at, id LIMIT 1" << lock,
          soci::use(at), soci::into(r);
      if (!tx.got_data()) return std::nullopt;
      return Candidate{sql::text(r, 0), sql::text(r, 2), sql::text(r, 3), static_cast<int>(sql::integer(r, 1))};
    };
    auto queued = probe("state = 'queued' AND run_after <= :now");
    auto expired = probe("state = 'running' AND lease_until <= :now");
    auto better = [](const Candidate& a, const Candidate& b) {
      if (a.priority != b.priority) return a.priority > b.priority;
      return std::tie(a.run_after, a.created_at, a.id) < std::tie(b.run_after, b.created_at, b.id);
    };
    const Candidate* best = queued ? &*queued : nullptr;
    if (expired && (!best || better(*expired, *best))) best = &*expired;
    return best ? best->id : std::string();
  };
  return claim_leased<Job>(db_, kJobs, worker_id, lease, now, pick, from_row);
}

sdk::Status JobQueue::finish(const std::string& id, const std::string& worker_id, const std::string& set_sql,
                             const std::string& state, const std::string& error,
                             const std::optional<TimePoint>& run_after, TimePoint now) {
  try {
    auto s = db_.session();
    std::string t = sql::to_db(now);
    std::string err = clip(error);
    std::string ra = run_after ? sql::to_db(*run_after) : std::string();
    std::string where = " WHERE id = :id";
    if (!worker_id.empty()) where += " AND state = 'running' AND lease_owner = :w";
    std::string q = "UPDATE jobs SET state = :st, lease_owner = NULL, lease_until = NULL, updated_at = :t" + set_sql + where;
    soci::statement stmt(*s);
    if (run_after && !worker_id.empty())
      stmt = (s->prepare << q, soci::use(state), soci::use(t), soci::use(err), soci::use(ra), soci::use(id),
              soci::use(worker_id));
    else if (run_after)
      stmt = (s->prepare << q, soci::use(state), soci::use(t), soci::use(err), soci::use(ra), soci::use(id));
    else if (!set_sql.empty() && !worker_id.empty())
      stmt = (s->prepare << q, soci::use(state), soci::use(t), soci::use(err), soci::use(id), soci::use(worker_id));
    else if (!set_sql.empty())
      stmt = (s->prepare << q, soci::use(state), soci::use(t), soci::use(err), soci::use(id));
    else if (!worker_id.empty())
      stmt = (s->prepare << q, soci::use(state), soci::use(t), soci::use(id), soci::use(worker_id));
    else
      stmt = (s->prepare << q, soci::use(state), soci::use(t), soci::use(id));
    if (sql::execute_count(stmt) == 1) return sdk::Status::Ok();
    int n = 0;
    *s << "SELECT COUNT(*) FROM jobs WHERE id = :id", soci::use(id), soci::into(n);
    if (n == 0) return not_found("job", "任务");
    return lease_lost(id);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

sdk::Status JobQueue::complete(const std::string& id, const std::string& worker_id, TimePoint now) {
  return finish(id, worker_id, "", job_state::kDone, "", std::nullopt, now);
}

sdk::Status JobQueue::retry_later(const std::string& id, TimePoint run_after, const std::string& error,
                                  const std::string& worker_id, TimePoint now) {
  return finish(id, worker_id, ", last_error = :e, run_after = :ra", job_state::kQueued, error, run_after, now);
}

sdk::Status JobQueue::fail(const std::string& id, const std::string& error, const std::string& worker_id,
                           TimePoint now) {
  return finish(id, worker_id, ", last_error = :e", job_state::kFailed, error, std::nullopt, now);
}

sdk::Status JobQueue::extend_lease(const std::string& id, const std::string& worker_id, TimePoint lease_until,
                                   TimePoint now) {
  try {
    auto s = db_.session();
    std::string u = sql::to_db(lease_until), t = sql::to_db(now);
    soci::statement st = (s->prepare << "UPDATE jobs SET lease_until = :u, updated_at = :t "
                                        "WHERE id = :id AND state = 'running' AND lease_owner = :w",
                          soci::use(u), soci::use(t), soci::use(id), soci::use(worker_id));
    if (sql::execute_count(st) == 1) return sdk::Status::Ok();
    int n = 0;
    *s << "SELECT COUNT(*) FROM jobs WHERE id = :id", soci::use(id), soci::into(n);
    if (n == 0) return not_found("job", "任务");
    return lease_lost(id);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

sdk::Result<Job> JobQueue::get(const std::string& id) {
  try {
    auto s = db_.session();
    soci::row r;
    *s << "SELECT " << kColumns << " FROM jobs WHERE id = :id", soci::use(id), soci::into(r);
    if (!s->got_data()) return not_found("job", "任务");
    return from_row(r);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

std::int64_t JobQueue::depth() {
  try {
    auto s = db_.session();
    long long n = 0;
    *s << "SELECT COUNT(*) FROM jobs WHERE state IN ('queued', 'running')", soci::into(n);
    return n;
  } catch (const std::exception& e) {
    log_event(spdlog::level::err, "job depth failed", {{"error", e.what()}});
    return 0;
  }
}

std::map<std::string, std::int64_t> JobQueue::counts() {
  std::map<std::string, std::int64_t> out;
  try {
    auto s = db_.session();
    soci::rowset<soci::row> rows = (s->prepare << "SELECT state, COUNT(*) FROM jobs GROUP BY state");
    for (const auto& r : rows) out[sql::text(r, 0)] = sql::integer(r, 1);
  } catch (const std::exception& e) {
    log_event(spdlog::level::err, "job counts failed", {{"error", e.what()}});
  }
  return out;
}

sdk::Result<std::int64_t> JobQueue::purge_finished(TimePoint updated_before) {
  try {
    auto s = db_.session();
    std::string t = sql::to_db(updated_before);
    soci::statement st = (s->prepare << "DELETE FROM jobs WHERE state IN ('done', 'failed') AND updated_at < :t",
                          soci::use(t));
    return static_cast<std::int64_t>(sql::execute_count(st));
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

}  // namespace shiming::storage
