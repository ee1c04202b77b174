#pragma once
// GET /api/v1/cases/{id} for a citizen token without decrypting or re-reading
// the case: one indexed query checks the token (against the database, every
// request) and reads the case's change stamp (version, evidence, findings,
// decisions); the masked JSON view rendered for that stamp is reused until the
// stamp changes. Works with several hosts on one database (nothing is trusted
// that the database did not confirm for this request).
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "shiming/sdk/http.h"

namespace soci {
class session;
}

namespace shiming {

class Hub;

class CaseViewCache {
 public:
  explicit CaseViewCache(Hub& hub, std::size_t capacity = 50000);
  ~CaseViewCache();
  CaseViewCache(const CaseViewCache&) = delete;
  CaseViewCache& operator=(const CaseViewCache&) = delete;

  // The citizen's view of case `request.params["id"]` when the request carries
  // a citizen token that is valid for that case; sets request.actor. nullopt
  // otherwise (no or another kind of token, unknown token, another case, a
  // database error): the caller's ordinary path answers (401/404/...).
  std::optional<sdk::HttpResponse> citizen_view(sdk::HttpRequest& request);

  struct Stamp {
    std::string id;
    long long version = -1, findings = 0, decisions = 0;
    std::string evidence;  // kind=sha256@uploaded_at of each document
    bool operator==(const Stamp&) const = default;
  };
  struct Probe;  // a prepared stamp query on one pooled connection

 private:
  std::optional<Stamp> read_stamp(const std::string& token_hash);

  Hub& hub_;
  std::size_t capacity_;
  std::mutex probes_mu_;
  std::unordered_map<soci::session*, std::unique_ptr<Probe>> probes_;  // SQLite only
  struct Entry {
    Stamp stamp;
    std::string body;
  };
  std::shared_mutex mu_;
  std::unordered_map<std::string, Entry> views_;  // by case id
};

}  // namespace shiming
