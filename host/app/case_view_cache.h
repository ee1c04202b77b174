#pragma once
// GET /api/v1/cases/{id} for a citizen token without decrypting or re-reading
// the case. One indexed query checks the token and reads the case's change
// stamp (version, evidence, findings, decisions); the masked JSON view rendered
// for that stamp is reused until the stamp changes.
//
// On SQLite (WAL) a checked token and its view are also kept for as long as
// nothing was committed to the database: no query at all while the count of
// this process's commits (storage/commit_counter.h) is unchanged and `PRAGMA
// data_version`, compared every `external_check` (50 ms), shows no commit of
// another process (a second host or shimingctl on the same file). So a change
// made in this process shows on the next read, one made by another process
// within about `external_check`; any commit sends every token back to the
// database (a revoked or re-issued token is refused after it). On MariaDB
// (several hosts on one database) the token and stamp are read from the
// database on every request.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
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
  explicit CaseViewCache(Hub& hub, std::size_t capacity = 50000,
                         std::chrono::milliseconds external_check = std::chrono::milliseconds(50));
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
  struct Probe;  // prepared statements on one pooled SQLite connection

 private:
  // What the database has committed, as far as this process can tell cheaply;
  // equal generations: nothing was committed in between.
  struct Generation {
    std::uint64_t commits = 0, external = 0;
    bool operator==(const Generation&) const = default;
  };
  Generation generation();
  Probe& probe_for(soci::session& s);  // the caller holds the lease of `s`
  std::optional<Stamp> read_stamp(const std::string& token_hash);

  Hub& hub_;
  std::size_t capacity_;
  bool sqlite_wal_ = false;  // generations are meaningful (else: the database on every request)
  std::int64_t external_check_ns_;
  std::mutex probes_mu_;
  std::unordered_map<soci::session*, std::unique_ptr<Probe>> probes_;  // SQLite only
  std::mutex poll_mu_;  // one data_version poll at a time
  std::atomic<std::int64_t> last_poll_ns_{0};  // steady clock, when the last poll started
  std::atomic<std::uint64_t> external_{0};     // bumped when a poll saw a commit
  struct Entry {
    Stamp stamp;           // confirmed by the database for this token ...
    Generation checked;    // ... at this generation
    std::string body;
  };
  // By the token's SHA-256 in hex, kept in the node (no key lookup in another
  // allocation). Only tokens the database confirmed are entered, so its first
  // 16 characters are hash enough.
  using TokenKey = std::array<char, 64>;
  struct PrefixHash {
    std::size_t operator()(const TokenKey& k) const noexcept {
      std::uint64_t a = 0, b = 0;
      std::memcpy(&a, k.data(), 8);
      std::memcpy(&b, k.data() + 8, 8);
      return static_cast<std::size_t>(a * 0x9E3779B97F4A7C15ull ^ b);
    }
  };
  static std::optional<TokenKey> key_of(const std::string& token_hash);
  std::shared_mutex mu_;
  std::unordered_map<TokenKey, Entry, PrefixHash> views_;
};

}  // namespace shiming
