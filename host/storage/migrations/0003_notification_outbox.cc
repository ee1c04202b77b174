// The notification outbox: one row per (event, notifier). The unique key makes
// enqueueing idempotent (a deadline warning written by several hosts at once
// is stored once); the sender claims due rows with a lease, like the job queue.
// The payload (rendered texts and the contact) is encrypted.
#include "storage/migrations.h"

namespace shiming::storage {

Migration migration_0003_notification_outbox() {
  return {3, "notification_outbox", {
R"(CREATE TABLE IF NOT EXISTS notification_outbox (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  event_key VARCHAR(160) NOT NULL,
  notifier VARCHAR(64) NOT NULL,
  event VARCHAR(32) NOT NULL,
  case_id VARCHAR(64) NOT NULL,
  province VARCHAR(32) NOT NULL,
  payload_enc {TEXT} NOT NULL,
  state VARCHAR(16) NOT NULL,
  attempts INT NOT NULL,
  next_attempt_at VARCHAR(32) NOT NULL,
  lease_owner VARCHAR(128) NULL,
  lease_until VARCHAR(32) NULL,
  last_error {TEXT} NULL,
  created_at VARCHAR(32) NOT NULL,
  updated_at VARCHAR(32) NOT NULL,
  sent_at VARCHAR(32) NULL,
  CONSTRAINT uq_outbox_event_notifier UNIQUE (event_key, notifier)
) {TABLE})",
"CREATE INDEX IF NOT EXISTS ix_outbox_due ON notification_outbox (state, next_attempt_at)",
"CREATE INDEX IF NOT EXISTS ix_outbox_lease ON notification_outbox (state, lease_until)",
"CREATE INDEX IF NOT EXISTS ix_outbox_case ON notification_outbox (case_id)",
  }};
}

}  // namespace shiming::storage
