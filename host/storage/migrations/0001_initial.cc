// The initial schema. Times are ISO-8601 UTC text (VARCHAR(32)); encrypted
// values are base64 text tokens from crypto::Keyring.
#include "storage/migrations.h"

namespace shiming::storage {

Migration migration_0001_initial() {
  return {1, "initial", {
R"(CREATE TABLE IF NOT EXISTS candidates (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  province VARCHAR(32) NOT NULL,
  id_hash VARCHAR(64) NOT NULL,
  name_enc {TEXT} NOT NULL,
  id_number_enc {TEXT} NOT NULL,
  phone_enc {TEXT} NOT NULL,
  sex VARCHAR(8) NOT NULL,
  created_at VARCHAR(32) NOT NULL,
  CONSTRAINT uq_candidates_province_hash UNIQUE (province, id_hash)
) {TABLE})",

R"(CREATE TABLE IF NOT EXISTS cases (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  candidate_id VARCHAR(64) NOT NULL,
  province VARCHAR(32) NOT NULL,
  channel VARCHAR(64) NOT NULL,
  exam_session VARCHAR(64) NOT NULL,
  status VARCHAR(32) NOT NULL,
  citizen_token_hash VARCHAR(128) NOT NULL,
  identity_enc {TEXT} NOT NULL,
  attempt INT NOT NULL,
  expedited INT NOT NULL,
  due_at VARCHAR(32) NULL,
  created_at VARCHAR(32) NOT NULL,
  updated_at VARCHAR(32) NOT NULL,
  submitted_at VARCHAR(32) NULL,
  decided_at VARCHAR(32) NULL,
  version BIGINT NOT NULL,
  CONSTRAINT fk_cases_candidate FOREIGN KEY (candidate_id) REFERENCES candidates (id)
) {TABLE})",
"CREATE INDEX IF NOT EXISTS ix_cases_queue ON cases (province, status, created_at)",
"CREATE INDEX IF NOT EXISTS ix_cases_candidate ON cases (candidate_id, created_at)",
"CREATE INDEX IF NOT EXISTS ix_cases_token ON cases (citizen_token_hash)",

R"(CREATE TABLE IF NOT EXISTS evidence (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  case_id VARCHAR(64) NOT NULL,
  kind VARCHAR(64) NOT NULL,
  content_type VARCHAR(128) NOT NULL,
  size_bytes BIGINT NOT NULL,
  sha256 VARCHAR(64) NOT NULL,
  storage_ref VARCHAR(512) NOT NULL,
  meta_enc {TEXT} NULL,
  created_at VARCHAR(32) NOT NULL,
  CONSTRAINT uq_evidence_case_kind UNIQUE (case_id, kind),
  CONSTRAINT fk_evidence_case FOREIGN KEY (case_id) REFERENCES cases (id)
) {TABLE})",

R"(CREATE TABLE IF NOT EXISTS findings (
  seq {SEQ_PK},
  id VARCHAR(64) NOT NULL,
  case_id VARCHAR(64) NOT NULL,
  job_id VARCHAR(64) NOT NULL,
  step VARCHAR(64) NOT NULL,
  verifier VARCHAR(64) NOT NULL,
  outcome VARCHAR(32) NOT NULL,
  score {DOUBLE} NOT NULL,
  reasons_json {LONGTEXT} NOT NULL,
  details_enc {LONGTEXT} NOT NULL,
  created_at VARCHAR(32) NOT NULL,
  CONSTRAINT uq_findings_id UNIQUE (id),
  CONSTRAINT fk_findings_case FOREIGN KEY (case_id) REFERENCES cases (id)
) {TABLE})",
"CREATE INDEX IF NOT EXISTS ix_findings_case ON findings (case_id, seq)",

R"(CREATE TABLE IF NOT EXISTS decisions (
  seq {SEQ_PK},
  id VARCHAR(64) NOT NULL,
  case_id VARCHAR(64) NOT NULL,
  actor_id VARCHAR(128) NOT NULL,
  decision VARCHAR(32) NOT NULL,
  reasons_json {TEXT} NOT NULL,
  comment {TEXT} NOT NULL,
  created_at VARCHAR(32) NOT NULL,
  CONSTRAINT uq_decisions_id UNIQUE (id),
  CONSTRAINT fk_decisions_case FOREIGN KEY (case_id) REFERENCES cases (id)
) {TABLE})",
"CREATE INDEX IF NOT EXISTS ix_decisions_case ON decisions (case_id, seq)",

// seq is assigned by AuditLog::append under the audit_head lock.
R"(CREATE TABLE IF NOT EXISTS audit_log (
  seq BIGINT NOT NULL PRIMARY KEY,
  created_at VARCHAR(32) NOT NULL,
  actor_role VARCHAR(32) NOT NULL,
  actor_id VARCHAR(128) NOT NULL,
  province VARCHAR(32) NOT NULL,
  case_id VARCHAR(64) NOT NULL,
  action VARCHAR(64) NOT NULL,
  from_status VARCHAR(32) NOT NULL,
  to_status VARCHAR(32) NOT NULL,
  reason {TEXT} NOT NULL,
  prev_hash VARCHAR(64) NOT NULL,
  hash VARCHAR(64) NOT NULL
) {TABLE})",
"CREATE INDEX IF NOT EXISTS ix_audit_case ON audit_log (case_id, seq)",
R"(CREATE TABLE IF NOT EXISTS audit_head (
  id INT NOT NULL PRIMARY KEY,
  last_seq BIGINT NOT NULL,
  last_hash VARCHAR(64) NOT NULL
) {TABLE})",
"{INSERT_IGNORE} INTO audit_head (id, last_seq, last_hash) VALUES (1, 0, '')",

R"(CREATE TABLE IF NOT EXISTS jobs (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  case_id VARCHAR(64) NOT NULL,
  kind VARCHAR(64) NOT NULL,
  state VARCHAR(16) NOT NULL,
  priority INT NOT NULL,
  attempts INT NOT NULL,
  run_after VARCHAR(32) NOT NULL,
  lease_owner VARCHAR(128) NULL,
  lease_until VARCHAR(32) NULL,
  last_error {TEXT} NULL,
  created_at VARCHAR(32) NOT NULL,
  updated_at VARCHAR(32) NOT NULL
) {TABLE})",
"CREATE INDEX IF NOT EXISTS ix_jobs_due ON jobs (state, priority, run_after)",
"CREATE INDEX IF NOT EXISTS ix_jobs_case ON jobs (case_id)",

R"(CREATE TABLE IF NOT EXISTS users (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  username VARCHAR(128) NOT NULL,
  province VARCHAR(32) NOT NULL,
  role VARCHAR(32) NOT NULL,
  password_hash VARCHAR(255) NOT NULL,
  failed_logins INT NOT NULL,
  locked_until VARCHAR(32) NULL,
  created_at VARCHAR(32) NOT NULL,
  CONSTRAINT uq_users_username UNIQUE (username)
) {TABLE})",

R"(CREATE TABLE IF NOT EXISTS sessions (
  token_hash VARCHAR(128) NOT NULL PRIMARY KEY,
  user_id VARCHAR(64) NOT NULL,
  expires_at VARCHAR(32) NOT NULL,
  created_at VARCHAR(32) NOT NULL,
  CONSTRAINT fk_sessions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) {TABLE})",
"CREATE INDEX IF NOT EXISTS ix_sessions_expiry ON sessions (expires_at)",

R"(CREATE TABLE IF NOT EXISTS records (
  collection VARCHAR(100) NOT NULL,
  record_key VARCHAR(200) NOT NULL,
  idx VARCHAR(200) NOT NULL,
  value_enc {LONGTEXT} NOT NULL,
  updated_at VARCHAR(32) NOT NULL,
  PRIMARY KEY (collection, record_key)
) {TABLE})",
"CREATE INDEX IF NOT EXISTS ix_records_index ON records (collection, idx)",
  }};
}

}  // namespace shiming::storage
