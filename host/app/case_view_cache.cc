#include "app/case_view_cache.h"

#include <cstring>
#include <stdexcept>

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "app/api_util.h"
#include "app/hub.h"
#include "common/log.h"
#include "crypto/digest.h"
#include "storage/commit_counter.h"

namespace shiming {
namespace {

// Everything the citizen view shows changes one of these: the case row bumps
// `version` on every update; documents (kind, content hash and upload time of
// each), findings and decisions are rows of their own.
constexpr const char* kStampSqlite =
    "SELECT c.id, c.version,"
    " (SELECT COALESCE(group_concat(e.kind || '=' || e.sha256 || '@' || e.created_at, ','), '')"
    "  FROM evidence e WHERE e.case_id = c.id),"
    " (SELECT COUNT(*) FROM findings f WHERE f.case_id = c.id),"
    " (SELECT COUNT(*) FROM decisions d WHERE d.case_id = c.id)"
    " FROM cases c WHERE c.citizen_token_hash = ?";
constexpr const char* kStampMysql =
    "SELECT c.id, c.version,"
    " (SELECT COALESCE(GROUP_CONCAT(CONCAT(e.kind, '=', e.sha256, '@', e.created_at) SEPARATOR ','), '')"
    "  FROM evidence e WHERE e.case_id = c.id),"
    " (SELECT COUNT(*) FROM findings f WHERE f.case_id = c.id),"
    " (SELECT COUNT(*) FROM decisions d WHERE d.case_id = c.id)"
    " FROM cases c WHERE c.citizen_token_hash = :t";

}  // namespace

// The prepared stamp and data_version statements of one pooled SQLite connection,
// reset after every use (a statement left on its row would keep an old read
// snapshot open on the connection).
struct CaseViewCache::Probe {
  explicit Probe(soci::session& s) {
    db = static_cast<soci::sqlite3_session_backend*>(s.get_backend())->conn_;
    prepare(kStampSqlite, &stmt);
    prepare("PRAGMA data_version", &version_stmt);
  }
  ~Probe() {
    sqlite_api::sqlite3_finalize(stmt);
    sqlite_api::sqlite3_finalize(version_stmt);
  }
  Probe(const Probe&) = delete;
  Probe& operator=(const Probe&) = delete;

  void prepare(const char* sql, sqlite_api::sqlite3_stmt** out) {
    if (sqlite_api::sqlite3_prepare_v2(db, sql, -1, out, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("prepare: ") + sqlite_api::sqlite3_errmsg(db));
  }

  std::optional<Stamp> run(const std::string& hash) {
    auto text = [this](int col) {
      const unsigned char* p = sqlite_api::sqlite3_column_text(stmt, col);
      return p ? std::string(reinterpret_cast<const char*>(p), sqlite_api::sqlite3_column_bytes(stmt, col))
               : std::string();
    };
    sqlite_api::sqlite3_bind_text(stmt, 1, hash.data(), static_cast<int>(hash.size()), SQLITE_STATIC);
    const int rc = sqlite_api::sqlite3_step(stmt);
    std::optional<Stamp> out;
    if (rc == SQLITE_ROW) {
      Stamp st;
      st.id = text(0);
      st.version = sqlite_api::sqlite3_column_int64(stmt, 1);
      st.evidence = text(2);
      st.findings = sqlite_api::sqlite3_column_int64(stmt, 3);
      st.decisions = sqlite_api::sqlite3_column_int64(stmt, 4);
      out = std::move(st);
    }
    sqlite_api::sqlite3_reset(stmt);
    sqlite_api::sqlite3_clear_bindings(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
      throw std::runtime_error(std::string("step: ") + sqlite_api::sqlite3_errstr(rc));
    return out;
  }

  // True when another connection committed since this connection's previous
  // call (or on the first call).
  bool others_committed() {
    const int rc = sqlite_api::sqlite3_step(version_stmt);
    const long long v = rc == SQLITE_ROW ? sqlite_api::sqlite3_column_int64(version_stmt, 0) : -1;
    sqlite_api::sqlite3_reset(version_stmt);
    if (rc != SQLITE_ROW) throw std::runtime_error(std::string("data_version: ") + sqlite_api::sqlite3_errstr(rc));
    const bool changed = !seen_version || v != data_version;
    data_version = v;
    seen_version = true;
    return changed;
  }

  sqlite_api::sqlite3* db = nullptr;
  sqlite_api::sqlite3_stmt* stmt = nullptr;
  sqlite_api::sqlite3_stmt* version_stmt = nullptr;
  long long data_version = 0;  // guarded by poll_mu_
  bool seen_version = false;
};

// MariaDB: a connection may be re-established under us, so nothing is kept prepared.
static std::optional<CaseViewCache::Stamp> stamp_once(soci::session& s, const std::string& hash) {
  CaseViewCache::Stamp st;
  soci::indicator ind = soci::i_ok;
  s << kStampMysql, soci::use(hash), soci::into(st.id, ind), soci::into(st.version), soci::into(st.evidence),
      soci::into(st.findings), soci::into(st.decisions);
  if (!s.got_data()) return std::nullopt;
  return st;
}

static std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

CaseViewCache::CaseViewCache(Hub& hub, std::size_t capacity, std::chrono::milliseconds external_check)
    : hub_(hub),
      capacity_(capacity),
      external_check_ns_(std::chrono::duration_cast<std::chrono::nanoseconds>(external_check).count()) {
  if (hub_.db().dialect() != storage::Dialect::sqlite) return;
  try {
    // Commits are counted by a WAL hook (not called in other journal modes).
    auto s = hub_.db().session();
    std::string mode;
    *s << "PRAGMA journal_mode", soci::into(mode);
    sqlite_wal_ = mode == "wal";
  } catch (const std::exception& e) {
    log_event(spdlog::level::warn, "case view cache: journal mode unknown", {{"error", e.what()}});
  }
}
CaseViewCache::~CaseViewCache() = default;

CaseViewCache::Probe& CaseViewCache::probe_for(soci::session& s) {
  std::lock_guard lock(probes_mu_);
  auto& slot = probes_[&s];
  if (!slot) slot = std::make_unique<Probe>(s);
  return *slot;
}

CaseViewCache::Generation CaseViewCache::generation() {
  Generation g;
  g.commits = storage::sqlite_commit_count();
  const std::int64_t now = steady_ns();
  if (now - last_poll_ns_.load(std::memory_order_acquire) >= external_check_ns_) {
    std::lock_guard lock(poll_mu_);
    // Another thread may have polled while this one waited for the lock.
    if (now - last_poll_ns_.load(std::memory_order_acquire) >= external_check_ns_) {
      bool changed = true;
      try {
        auto s = hub_.db().session();
        changed = probe_for(*s).others_committed();
      } catch (const std::exception& e) {
        log_event(spdlog::level::warn, "case view data_version poll failed", {{"error", e.what()}});
      }
      if (changed) external_.fetch_add(1, std::memory_order_acq_rel);
      // Polled as of `now` (the poll began after it); a failed poll is retried next time.
      last_poll_ns_.store(changed ? 0 : now, std::memory_order_release);
    }
  }
  g.external = external_.load(std::memory_order_acquire);
  return g;
}

std::optional<CaseViewCache::Stamp> CaseViewCache::read_stamp(const std::string& token_hash) {
  try {
    auto s = hub_.db().session();
    if (hub_.db().dialect() != storage::Dialect::sqlite) return stamp_once(*s, token_hash);
    // The connection is ours while `s` is held, so are its statements.
    return probe_for(*s).run(token_hash);
  } catch (const std::exception& e) {
    log_event(spdlog::level::warn, "case view stamp failed", {{"error", e.what()}});
    return std::nullopt;
  }
}

std::optional<CaseViewCache::TokenKey> CaseViewCache::key_of(const std::string& token_hash) {
  TokenKey k;
  if (token_hash.size() != k.size()) return std::nullopt;
  std::memcpy(k.data(), token_hash.data(), k.size());
  return k;
}

std::optional<sdk::HttpResponse> CaseViewCache::citizen_view(sdk::HttpRequest& req) {
  std::string_view h = req.header("Authorization");
  constexpr std::string_view kBearer = "Bearer ct_";
  if (h.size() <= kBearer.size() || h.substr(0, kBearer.size()) != kBearer) return std::nullopt;
  std::string_view token = h.substr(kBearer.size() - 3);
  if (token.size() > 128) return std::nullopt;
  auto id = req.params.find("id");
  if (id == req.params.end()) return std::nullopt;
  const std::string token_hash = crypto::sha256_hex(token);
  const auto key = key_of(token_hash);
  auto as_citizen = [&req](const std::string& case_id) {
    req.actor = sdk::Actor{"citizen", case_id, "", "citizen:" + case_id.substr(0, 8)};
  };

  sdk::HttpResponse r;
  r.status = 200;
  // Noted before anything is read: a commit after this point makes what is read stale for the next request.
  Generation gen;
  if (sqlite_wal_ && key) {
    gen = generation();
    std::shared_lock lock(mu_);
    if (auto it = views_.find(*key); it != views_.end() && it->second.checked == gen) {
      if (it->second.stamp.id != id->second) return std::nullopt;  // the token of another case
      as_citizen(it->second.stamp.id);
      r.body = it->second.body;
      return r;
    }
  }
  auto stamp = read_stamp(token_hash);
  if (!stamp || stamp->id != id->second) return std::nullopt;
  as_citizen(stamp->id);
  if (key) {
    std::unique_lock lock(mu_);
    if (auto it = views_.find(*key); it != views_.end() && it->second.stamp == *stamp) {
      it->second.checked = gen;
      r.body = it->second.body;
      return r;
    }
  }
  // Rendered after the stamp was read: a change in between gives a newer body under
  // an older stamp, which the next request's stamp no longer matches.
  auto c = hub_.case_repo.get(stamp->id);
  if (!c) return std::nullopt;
  r = api::ok(api::case_json(hub_, *c, false));
  if (!key) return r;
  std::unique_lock lock(mu_);
  if (views_.size() >= capacity_) views_.clear();
  views_[*key] = Entry{std::move(*stamp), gen, r.body};
  return r;
}

}  // namespace shiming
