#include "storage/database.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <set>
#include <thread>

#include <soci/mysql/soci-mysql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "common/dates.h"
#include "common/log.h"
#include "storage/commit_counter.h"
#include "storage/database_url.h"
#include "storage/migrations.h"
#include "storage/sql_util.h"

namespace shiming::storage {

sdk::Error database_error(const std::exception& e) {
  return sdk::make_error("DATABASE_ERROR", std::string("database error: ") + e.what(), "数据库错误，请稍后重试");
}

sdk::Error not_found(const std::string& what, const std::string& what_zh) {
  return sdk::make_error("NOT_FOUND", what + " not found", "未找到" + what_zh);
}

Database::Database(Dialect d, int pool_size, std::string display_url)
    : dialect_(d), pool_size_(pool_size), display_url_(std::move(display_url)) {}

Database::~Database() = default;

namespace {

std::atomic<std::uint64_t> g_sqlite_commits{0};

// Installed on every pooled SQLite connection; SQLite calls it after each commit
// in WAL mode, once the write lock is released. It replaces SQLite's default
// hook, so it also does what that one does: a passive checkpoint at 1000 pages.
int count_commit(void*, sqlite_api::sqlite3* db, const char* name, int wal_pages) {
  g_sqlite_commits.fetch_add(1, std::memory_order_seq_cst);
  if (wal_pages >= 1000) sqlite_api::sqlite3_wal_checkpoint(db, name);
  return SQLITE_OK;
}

void init_connection(soci::session& s, Dialect d) {
  if (d == Dialect::sqlite) {
    s << "PRAGMA busy_timeout = 30000";
    s << "PRAGMA foreign_keys = ON";
    std::string mode;
    s << "PRAGMA journal_mode = WAL", soci::into(mode);
    s << "PRAGMA synchronous = NORMAL";
    auto* conn = static_cast<soci::sqlite3_session_backend*>(s.get_backend())->conn_;
    sqlite_api::sqlite3_wal_hook(conn, count_commit, nullptr);
  } else {
    // READ COMMITTED: locking reads see the newest rows and InnoDB takes no gap
    // locks, so job claims and audit appends do not deadlock on gaps.
    s << "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED";
    s << "SET SESSION sql_mode = 'STRICT_TRANS_TABLES,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'";
  }
}

bool is_transient(const std::exception& e) {
  std::string_view m = e.what();
  return m.find("Deadlock found") != std::string_view::npos ||
         m.find("Lock wait timeout") != std::string_view::npos ||
         m.find("database is locked") != std::string_view::npos;
}

}  // namespace

std::uint64_t sqlite_commit_count() { return g_sqlite_commits.load(std::memory_order_seq_cst); }

sdk::Result<std::unique_ptr<Database>> Database::open(const std::string& url, int pool_size) {
  auto parsed = parse_database_url(url);
  if (!parsed) return parsed.error();
  if (pool_size < 1 || pool_size > 256)
    return sdk::make_error("BAD_DATABASE_URL", "database pool size must be 1..256", "数据库连接池大小必须在 1 到 256 之间",
                           "pool_size");
  if (parsed->dialect == Dialect::sqlite) {
    auto parent = std::filesystem::path(parsed->sqlite_path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec)
      return sdk::make_error("DATABASE_UNAVAILABLE",
                             "cannot create directory " + parent.string() + ": " + ec.message(),
                             "无法创建数据库目录 " + parent.string());
    // The file holds keyed hashes and ciphertexts: owner-only from the start
    // (SQLite gives its -wal and -shm files the database file's mode).
    int fd = ::open(parsed->sqlite_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
      return sdk::make_error("DATABASE_UNAVAILABLE", "cannot open " + parsed->sqlite_path + ": " + std::strerror(errno),
                             "无法打开数据库文件 " + parsed->sqlite_path);
    ::close(fd);
  }
  std::unique_ptr<Database> db(new Database(parsed->dialect, pool_size, parsed->display));
  try {
    db->pool_ = std::make_unique<soci::connection_pool>(static_cast<std::size_t>(pool_size));
    db->last_used_.assign(static_cast<std::size_t>(pool_size), std::chrono::steady_clock::now());
    for (int i = 0; i < pool_size; ++i) {
      soci::session& s = db->pool_->at(static_cast<std::size_t>(i));
      if (parsed->dialect == Dialect::sqlite) s.open(soci::sqlite3, parsed->connect_string);
      else s.open(soci::mysql, parsed->connect_string);
      init_connection(s, parsed->dialect);
    }
  } catch (const std::exception& e) {
    return sdk::make_error("DATABASE_UNAVAILABLE",
                           "cannot connect to " + parsed->display + ": " + e.what(),
                           "无法连接数据库 " + parsed->display);
  }
  return db;
}

Session::~Session() {
  if (db_) db_->give_back(pos_);
}

Session& Session::operator=(Session&& o) noexcept {
  if (this != &o) {
    if (db_) db_->give_back(pos_);
    db_ = o.db_;
    pos_ = o.pos_;
    s_ = o.s_;
    o.db_ = nullptr;
  }
  return *this;
}

Session Database::session() {
  std::size_t pos = pool_->lease();
  soci::session& s = pool_->at(pos);
  if (dialect_ == Dialect::mysql && std::chrono::steady_clock::now() - last_used_[pos] >= idle_check_) {
    // is_connected() pings the server; a dropped connection is reopened with
    // the same parameters and set up again. Failures surface on first use.
    try {
      if (!s.is_connected()) {
        s.reconnect();
        init_connection(s, dialect_);
        log_event(spdlog::level::warn, "database connection re-established", {{"database", display_url_}});
      }
    } catch (const std::exception& e) {
      log_event(spdlog::level::err, "database reconnect failed", {{"database", display_url_}, {"error", e.what()}});
    }
  }
  return Session(this, pos, &s);
}

void Database::give_back(std::size_t pos) {
  last_used_[pos] = std::chrono::steady_clock::now();
  pool_->give_back(pos);
}

sdk::Status Database::write_transaction(soci::session& s,
                                        const std::function<sdk::Status(soci::session&)>& body) {
  const char* begin = dialect_ == Dialect::sqlite ? "BEGIN IMMEDIATE" : "START TRANSACTION";
  for (int attempt = 1;; ++attempt) {
    bool open = false;
    try {
      s << begin;
      open = true;
      sdk::Status st = body(s);
      if (!st) {
        s << "ROLLBACK";
        return st;
      }
      s << "COMMIT";
      return sdk::Status::Ok();
    } catch (const std::exception& e) {
      if (open) {
        try {
          s << "ROLLBACK";
        } catch (const std::exception&) {
        }
      }
      // A deadlock victim on MariaDB (or a lock timeout) is retried; the body
      // runs again from the start on fresh data.
      if (attempt < 5 && is_transient(e)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt));
        continue;
      }
      return database_error(e);
    }
  }
}

sdk::Result<int> Database::schema_version() {
  try {
    auto s = session();
    int v = 0;
    soci::indicator ind = soci::i_null;
    *s << "SELECT MAX(version) FROM schema_migrations", soci::into(v, ind);
    return ind == soci::i_ok ? v : 0;
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

namespace {

sdk::Error migration_error(const Migration& m, const std::string& why) {
  return sdk::make_error("MIGRATION_FAILED",
                         "migration " + std::to_string(m.version) + " (" + m.name + ") failed: " + why,
                         "数据库迁移 " + std::to_string(m.version) + " 失败");
}

std::set<int> applied_versions(soci::session& s) {
  std::set<int> out;
  soci::rowset<soci::row> rows = (s.prepare << "SELECT version FROM schema_migrations");
  for (const auto& r : rows) out.insert(static_cast<int>(sql::integer(r, 0)));
  return out;
}

const char* kCreateMigrations =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INT NOT NULL PRIMARY KEY, "
    "name VARCHAR(100) NOT NULL, applied_at VARCHAR(32) NOT NULL)";

void record(soci::session& s, const Migration& m) {
  std::string now = sql::to_db(std::chrono::system_clock::now());
  int v = m.version;
  s << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :t)", soci::use(v),
      soci::use(m.name), soci::use(now);
}

}  // namespace

sdk::Status Database::migrate() {
  auto s = session();
  if (dialect_ == Dialect::sqlite) {
    // SQLite DDL is transactional: everything pending is applied in one
    // BEGIN IMMEDIATE, which a second host waits for (busy_timeout).
    const Migration* failing = nullptr;
    sdk::Status st = write_transaction(*s, [&](soci::session& tx) -> sdk::Status {
      tx << kCreateMigrations;
      auto done = applied_versions(tx);
      for (const auto& m : all_migrations()) {
        if (done.count(m.version)) continue;
        failing = &m;
        for (const auto& stmt : m.statements) tx << expand(stmt, dialect_);
        record(tx, m);
        log_event(spdlog::level::info, "database migration applied",
                  {{"version", m.version}, {"name", m.name}});
      }
      failing = nullptr;
      return sdk::Status::Ok();
    });
    if (!st && failing) return migration_error(*failing, st.error().message);
    if (!st) return sdk::make_error("MIGRATION_FAILED", st.error().message, "数据库迁移失败");
    return sdk::Status::Ok();
  }
  // MariaDB: DDL commits implicitly, so hosts serialise on a named lock;
  // statements are re-runnable (IF NOT EXISTS) should a host die half-way.
  try {
    int got = 0;
    soci::indicator ind = soci::i_null;
    *s << "SELECT GET_LOCK(CONCAT('shiming_migrate.', DATABASE()), 120)", soci::into(got, ind);
    if (ind != soci::i_ok || got != 1)
      return sdk::make_error("MIGRATION_FAILED", "another host held the migration lock for 120 s",
                             "另一台主机正在迁移数据库，等待超时");
  } catch (const std::exception& e) {
    return sdk::make_error("MIGRATION_FAILED", std::string("cannot take the migration lock: ") + e.what(),
                           "无法获取数据库迁移锁");
  }
  sdk::Status result = sdk::Status::Ok();
  const Migration* current = nullptr;
  try {
    *s << kCreateMigrations;
    auto done = applied_versions(*s);
    for (const auto& m : all_migrations()) {
      if (done.count(m.version)) continue;
      current = &m;
      for (const auto& stmt : m.statements) *s << expand(stmt, dialect_);
      record(*s, m);
      log_event(spdlog::level::info, "database migration applied", {{"version", m.version}, {"name", m.name}});
    }
  } catch (const std::exception& e) {
    result = current ? sdk::Status(migration_error(*current, e.what()))
                     : sdk::Status(sdk::make_error("MIGRATION_FAILED", e.what(), "数据库迁移失败"));
  }
  try {
    int released = 0;
    soci::indicator ind = soci::i_null;
    *s << "SELECT RELEASE_LOCK(CONCAT('shiming_migrate.', DATABASE()))", soci::into(released, ind);
  } catch (const std::exception&) {
  }
  return result;
}

}  // namespace shiming::storage
