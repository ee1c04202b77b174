#include "app/case_view_cache.h"

#include <stdexcept>

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "app/api_util.h"
#include "app/hub.h"
#include "common/log.h"
#include "crypto/digest.h"

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

// One prepared stamp query on one pooled SQLite connection, reset after every use
// (a statement left on its row would keep an old read snapshot open on the connection).
struct CaseViewCache::Probe {
  explicit Probe(soci::session& s) {
    db = static_cast<soci::sqlite3_session_backend*>(s.get_backend())->conn_;
    if (sqlite_api::sqlite3_prepare_v2(db, kStampSqlite, -1, &stmt, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("prepare: ") + sqlite_api::sqlite3_errmsg(db));
  }
  ~Probe() { sqlite_api::sqlite3_finalize(stmt); }
  Probe(const Probe&) = delete;
  Probe& operator=(const Probe&) = delete;

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

  sqlite_api::sqlite3* db = nullptr;
  sqlite_api::sqlite3_stmt* stmt = nullptr;
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

CaseViewCache::CaseViewCache(Hub& hub, std::size_t capacity) : hub_(hub), capacity_(capacity) {}
CaseViewCache::~CaseViewCache() = default;

std::optional<CaseViewCache::Stamp> CaseViewCache::read_stamp(const std::string& token_hash) {
  try {
    auto s = hub_.db().session();
    if (hub_.db().dialect() != storage::Dialect::sqlite) return stamp_once(*s, token_hash);
    Probe* probe = nullptr;
    {
      std::lock_guard lock(probes_mu_);
      auto& slot = probes_[&s.get()];
      if (!slot) slot = std::make_unique<Probe>(*s);
      probe = slot.get();
    }
    // The connection is ours while `s` is held, so is its statement.
    return probe->run(token_hash);
  } catch (const std::exception& e) {
    log_event(spdlog::level::warn, "case view stamp failed", {{"error", e.what()}});
    return std::nullopt;
  }
}

std::optional<sdk::HttpResponse> CaseViewCache::citizen_view(sdk::HttpRequest& req) {
  std::string_view h = req.header("Authorization");
  constexpr std::string_view kBearer = "Bearer ct_";
  if (h.size() <= kBearer.size() || h.substr(0, kBearer.size()) != kBearer) return std::nullopt;
  std::string_view token = h.substr(kBearer.size() - 3);
  if (token.size() > 128) return std::nullopt;
  auto stamp = read_stamp(crypto::sha256_hex(token));
  auto id = req.params.find("id");
  if (!stamp || id == req.params.end() || stamp->id != id->second) return std::nullopt;
  req.actor = sdk::Actor{"citizen", stamp->id, "", "citizen:" + stamp->id.substr(0, 8)};

  sdk::HttpResponse r;
  r.status = 200;
  {
    std::shared_lock lock(mu_);
    if (auto it = views_.find(stamp->id); it != views_.end() && it->second.stamp == *stamp) {
      r.body = it->second.body;
      return r;
    }
  }
  // Rendered after the stamp was read: a change in between gives a newer body under
  // an older stamp, which the next request's stamp no longer matches.
  auto c = hub_.case_repo.get(stamp->id);
  if (!c) return std::nullopt;
  r = api::ok(api::case_json(hub_, *c, false));
  std::unique_lock lock(mu_);
  if (views_.size() >= capacity_) views_.clear();
  views_[stamp->id] = Entry{*stamp, r.body};
  return r;
}

}  // namespace shiming
