#pragma once
// Host services a plugin may use. Plugins never reach the database directly.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "shiming/sdk/evidence.h"
#include "shiming/sdk/http.h"
#include "shiming/sdk/result.h"

namespace shiming::sdk {

class Verifier;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point now() const = 0;
};

enum class LogLevel { debug, info, warn, error };

// Structured log sink. The host masks anything that looks like an ID number
// as a second line of defence; plugins mask with pii.h first.
class Logger {
 public:
  virtual ~Logger() = default;
  virtual void log(LogLevel level, std::string_view message) = 0;
  void debug(std::string_view m) { log(LogLevel::debug, m); }
  void info(std::string_view m) { log(LogLevel::info, m); }
  void warn(std::string_view m) { log(LogLevel::warn, m); }
  void error(std::string_view m) { log(LogLevel::error, m); }
};

// What a citizen declared, in clear text (decrypted by the host for the
// plugin; never log it unmasked).
struct DeclaredIdentity {
  std::string name;
  std::string id_number;   // resident ID number, 18 characters
  std::string sex;         // "M" / "F"
  std::string phone;
  nlohmann::json extra = nlohmann::json::object();  // channel-specific: passport, contact ...
};

// A read-only view of a case.
struct CaseView {
  std::string id;
  std::string province;
  std::string channel;
  std::string exam_session;
  std::string exam_date;   // YYYY-MM-DD of the session's exam, "" if unknown
  std::string status;      // unverified, collecting, pending_review, verified, rejected, ...
  std::string candidate_id;
  DeclaredIdentity identity;
  // SDK 1.1: the SLA deadline once submitted (ISO 8601 with offset), "" before.
  std::string due_at;
};

struct OpenCaseRequest {
  std::string province;
  std::string channel;
  std::string exam_session;
  DeclaredIdentity identity;
};

struct OpenedCase {
  std::string case_id;
  std::string candidate_id;
  std::string citizen_token;  // lets the citizen see and complete only this case
};

// SDK 1.3: what one pipeline step found about a case (the verifier's details stay in the host).
struct FindingSummary {
  std::string step;
  std::string verifier;
  std::string outcome;  // pass, fail, needs_review, error, retry
  std::vector<std::string> reasons;  // reason codes
};

class Cases {
 public:
  virtual ~Cases() = default;
  virtual Result<CaseView> get(const std::string& case_id) = 0;
  virtual Result<OpenedCase> open(const OpenCaseRequest& request, const Actor& actor) = 0;
  // Checks the document against the channel's policy, encrypts and stores it.
  virtual Status attach(const std::string& case_id, Evidence evidence, const Actor& actor) = 0;
  // Enqueues the channel's pipeline for the case.
  virtual Status submit(const std::string& case_id, const Actor& actor) = 0;
  // A state change with its reason; refused when illegal (code ILLEGAL_TRANSITION).
  virtual Status transition(const std::string& case_id, const std::string& to,
                            const Actor& actor, const std::string& reason) = 0;
  // The newest case of the candidate with this ID number in the province.
  virtual Result<std::string> find_by_id_number(const std::string& province,
                                                const std::string& id_number) = 0;

  // SDK 1.3 (the host refuses plugins built for a newer minor version, so a
  // plugin may rely on these; the defaults keep older hosts' fakes compiling).
  //
  // Opens several cases with exactly the checks of open(), one result per
  // request in order; the host writes a whole chunk (candidates, cases, one
  // audit record each) in one transaction. A request refused by the checks
  // (CASE_EXISTS, SESSION_NOT_FOUND ...) gets its error and does not stop the
  // others; a database failure fails every request of the call (none opened).
  virtual std::vector<Result<OpenedCase>> open_many(const std::vector<OpenCaseRequest>& requests,
                                                    const Actor& actor) {
    std::vector<Result<OpenedCase>> out;
    out.reserve(requests.size());
    for (const auto& r : requests) out.push_back(open(r, actor));
    return out;
  }
  // The newest finding of each pipeline step of the case, in pipeline order.
  virtual Result<std::vector<FindingSummary>> findings(const std::string& case_id) {
    (void)case_id;
    return Error{"NOT_SUPPORTED", "This host does not report findings to plugins.", "本服务不支持该操作。", ""};
  }
  // A reviewer's decision, the same as POST /api/v1/review/{case}/decision:
  // approve -> verified, reject -> rejected with reason codes; state change,
  // audit record and decision record.
  virtual Status decide(const std::string& case_id, bool approve, const std::vector<std::string>& reasons,
                        const std::string& comment, const Actor& actor) {
    (void)case_id, (void)approve, (void)reasons, (void)comment, (void)actor;
    return Error{"NOT_SUPPORTED", "This host does not take decisions from plugins.", "本服务不支持该操作。", ""};
  }

  // SDK 1.4.
  //
  // find_by_id_number() for many ID numbers at once (the host answers a chunk
  // in a few queries): the newest case of each number that has one, keyed by
  // the number as given; numbers without a case are absent.
  virtual Result<std::unordered_map<std::string, std::string>> find_by_id_numbers(
      const std::string& province, const std::vector<std::string>& id_numbers) {
    std::unordered_map<std::string, std::string> out;
    for (const auto& n : id_numbers)
      if (auto found = find_by_id_number(province, n)) out[n] = *found;
    return out;
  }
  // A new citizen token for the case (the one-case link); the previous token
  // stops working at once. One audit record (action citizen_token_reissued)
  // with the reason. Errors: CASE_NOT_FOUND, DATABASE_ERROR.
  virtual Result<std::string> reissue_citizen_token(const std::string& case_id, const Actor& actor,
                                                    const std::string& reason) {
    (void)case_id, (void)actor, (void)reason;
    return Error{"NOT_SUPPORTED", "This host does not re-issue case links for plugins.", "本服务不支持该操作。", ""};
  }
};

class EvidenceStore {
 public:
  virtual ~EvidenceStore() = default;
  virtual std::optional<Evidence> get(const std::string& case_id, std::string_view kind) = 0;
  virtual Status put(const std::string& case_id, const Evidence& evidence) = 0;
  virtual std::vector<std::string> kinds(const std::string& case_id) = 0;
};

// A small encrypted document store for plugin-owned data (bank submissions,
// rosters, appointments ...). Values are encrypted at rest; `index` is a
// non-personal string to list records by (e.g. a batch id).
class RecordStore {
 public:
  virtual ~RecordStore() = default;
  virtual Status put(const std::string& collection, const std::string& key,
                     const nlohmann::json& value, const std::string& index = {}) = 0;
  virtual std::optional<nlohmann::json> get(const std::string& collection,
                                            const std::string& key) = 0;
  virtual std::vector<std::pair<std::string, nlohmann::json>> list(
      const std::string& collection, const std::string& index) = 0;
  virtual Status remove(const std::string& collection, const std::string& key) = 0;
};

// Everything the host offers a plugin. Valid for the plugin's lifetime.
class Host {
 public:
  virtual ~Host() = default;
  virtual Clock& clock() = 0;
  virtual Logger& logger() = 0;
  virtual Cases& cases() = 0;
  virtual EvidenceStore& evidence() = 0;
  virtual RecordStore& records() = 0;
  // The province's validated settings for a channel (its section of the rules),
  // or nullopt when the channel is not enabled there.
  virtual std::optional<nlohmann::json> channel_settings(const std::string& province,
                                                         const std::string& channel) = 0;
  virtual std::vector<std::string> provinces() = 0;
  // Another loaded verifier (for immediate feedback on upload), or nullptr.
  virtual Verifier* verifier(const std::string& name) = 0;
  // SDK 1.2: the host's data directory (keys, evidence and logs live under it),
  // absolute; a plugin resolves its relative file paths against it.
  virtual std::string data_dir() { return {}; }
};

// A file path from a plugin's settings, resolved the way every plugin does it: an absolute path
// stays as written; a relative one lies under the host's data directory (Host::data_dir()), or
// under the working directory when the host has none (tests). An empty path stays empty.
inline std::string in_data_dir(const std::string& data_dir, const std::string& path) {
  std::filesystem::path p = path;
  if (p.empty() || p.is_absolute() || data_dir.empty()) return p.lexically_normal().string();
  return (std::filesystem::path(data_dir) / p).lexically_normal().string();
}

}  // namespace shiming::sdk
