#pragma once
// Plain structs the repositories take and return (decrypted values).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/dates.h"
#include "shiming/sdk/services.h"

namespace shiming::storage {

struct Candidate {
  std::string id;
  std::string province;
  std::string id_hash;    // keyed hash of the normalised ID number
  std::string name;       // decrypted
  std::string id_number;  // decrypted, normalised (upper-case X)
  std::string phone;      // decrypted
  std::string sex;
  TimePoint created_at;
};

struct CaseRecord {
  std::string id;
  std::string candidate_id;
  std::string province;
  std::string channel;
  std::string exam_session;
  std::string status;
  std::string citizen_token_hash;
  sdk::DeclaredIdentity identity;  // stored encrypted as JSON
  int attempt = 1;
  bool expedited = false;
  std::optional<TimePoint> due_at;
  TimePoint created_at;
  TimePoint updated_at;
  std::optional<TimePoint> submitted_at;
  std::optional<TimePoint> decided_at;
  std::int64_t version = 0;
};

struct EvidenceMeta {
  std::string id;
  std::string case_id;
  std::string kind;
  std::string content_type;
  std::int64_t size_bytes = 0;  // of the plaintext
  std::string sha256;           // hex, of the plaintext
  std::string storage_ref;      // file path relative to the evidence directory
  TimePoint created_at;
};

struct StoredEvidence {
  EvidenceMeta meta;
  std::vector<std::uint8_t> data;                    // decrypted
  nlohmann::json extra = nlohmann::json::object();  // sdk::Evidence::meta, decrypted
};

struct FindingRecord {
  std::string id;  // generated when empty
  std::string case_id;
  std::string job_id;
  std::string step;
  std::string verifier;
  std::string outcome;  // sdk::to_string(Outcome)
  double score = 0.0;
  nlohmann::json reasons = nlohmann::json::array();   // stored as reasons_json (clear text)
  nlohmann::json details = nlohmann::json::object();  // stored encrypted (details_enc)
  TimePoint created_at;
};

struct DecisionRecord {
  std::string id;  // generated when empty
  std::string case_id;
  std::string actor_id;
  std::string decision;  // verified / rejected ...
  nlohmann::json reasons = nlohmann::json::array();  // reason codes
  std::string comment;
  TimePoint created_at;
};

struct AuditEntry {
  std::int64_t seq = 0;  // assigned by AuditLog::append
  TimePoint created_at;
  std::string actor_role;
  std::string actor_id;
  std::string province;
  std::string case_id;
  std::string action;
  std::string from_status;
  std::string to_status;
  std::string reason;
  std::string prev_hash;  // assigned by append
  std::string hash;       // assigned by append
};

struct AuditVerifyResult {
  bool ok = true;
  std::int64_t checked = 0;                     // records walked
  std::optional<std::int64_t> first_broken_seq; // first record that does not chain
  std::string problem;                          // English, e.g. "hash mismatch (record edited)"
};

namespace job_state {
inline constexpr const char* kQueued = "queued";
inline constexpr const char* kRunning = "running";
inline constexpr const char* kDone = "done";
inline constexpr const char* kFailed = "failed";
}  // namespace job_state

struct Job {
  std::string id;
  std::string case_id;
  std::string kind;
  std::string state;
  int priority = 0;  // higher runs first
  int attempts = 0;  // incremented by each claim
  TimePoint run_after;
  std::string lease_owner;
  std::optional<TimePoint> lease_until;
  std::string last_error;
  TimePoint created_at;
  TimePoint updated_at;
};

struct User {
  std::string id;  // generated when empty
  std::string username;
  std::string province;  // "" for national admins
  std::string role;
  std::string password_hash;
  int failed_logins = 0;
  std::optional<TimePoint> locked_until;
  TimePoint created_at;
};

struct SessionRecord {
  std::string token_hash;
  std::string user_id;
  TimePoint expires_at;
  TimePoint created_at;
};

}  // namespace shiming::storage
