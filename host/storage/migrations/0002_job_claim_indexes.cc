// Indexes that let JobQueue::claim read the next job straight from an index
// instead of sorting every queued job: one in claim order for due jobs, one
// for running jobs by lease expiry. (MariaDB >= 10.8 and SQLite keep DESC.)
#include "storage/migrations.h"

namespace shiming::storage {

Migration migration_0002_job_claim_indexes() {
  return {2, "job_claim_indexes", {
      "CREATE INDEX IF NOT EXISTS ix_jobs_claim ON jobs (state, priority DESC, run_after, created_at, id)",
      "CREATE INDEX IF NOT EXISTS ix_jobs_lease ON jobs (state, lease_until)",
      "DROP INDEX IF EXISTS ix_jobs_due{ON_JOBS}",
  }};
}

}  // namespace shiming::storage
