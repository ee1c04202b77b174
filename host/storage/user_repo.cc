#include "storage/user_repo.h"

#include "common/log.h"
#include "common/random.h"
#include "storage/sql_util.h"

namespace shiming::storage {
namespace {

constexpr const char* kColumns =
    "id, username, province, role, password_hash, failed_logins, locked_until, created_at";

User from_row(const soci::row& r) {
  User u;
  u.id = sql::text(r, 0);
  u.username = sql::text(r, 1);
  u.province = sql::text(r, 2);
  u.role = sql::text(r, 3);
  u.password_hash = sql::text(r, 4);
  u.failed_logins = static_cast<int>(sql::integer(r, 5));
  u.locked_until = sql::opt_time(r, 6);
  u.created_at = sql::time(r, 7);
  return u;
}

sdk::Result<User> one(Database& db, const char* where, const std::string& value) {
  try {
    auto s = db.session();
    soci::row r;
    *s << "SELECT " << kColumns << " FROM users WHERE " << where << " = :v", soci::use(value), soci::into(r);
    if (!s->got_data()) return not_found("user", "用户");
    return from_row(r);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

sdk::Status changed_one(soci::statement& st) {
  if (sql::execute_count(st) == 0) return not_found("user", "用户");
  return sdk::Status::Ok();
}

}  // namespace

sdk::Result<std::string> UserRepo::create(const User& u) {
  if (u.username.empty() || u.username.size() > 128)
    return sdk::make_error("BAD_USERNAME", "username must be 1..128 characters", "用户名长度必须为 1 到 128 个字符",
                           "username");
  if (u.role.empty()) return sdk::make_error("BAD_ROLE", "role is required", "必须指定角色", "role");
  const std::string id = u.id.empty() ? random_id() : u.id;
  try {
    auto s = db_.session();
    auto locked = sql::nullable(u.locked_until);
    std::string created = sql::to_db(u.created_at);
    int failed = u.failed_logins;
    *s << "INSERT INTO users (" << kColumns << ") VALUES (:id, :u, :p, :r, :h, :f, :l, :t)", soci::use(id),
        soci::use(u.username), soci::use(u.province), soci::use(u.role), soci::use(u.password_hash),
        soci::use(failed), soci::use(locked.value, locked.ind), soci::use(created);
    return id;
  } catch (const std::exception& e) {
    if (sql::is_duplicate_key(e))
      return sdk::make_error("USERNAME_TAKEN", "username '" + u.username + "' is already taken",
                             "用户名 '" + u.username + "' 已被占用", "username");
    return database_error(e);
  }
}

sdk::Result<User> UserRepo::by_username(const std::string& username) { return one(db_, "username", username); }
sdk::Result<User> UserRepo::by_id(const std::string& id) { return one(db_, "id", id); }

std::vector<User> UserRepo::list(const std::string& province) {
  std::vector<User> out;
  try {
    auto s = db_.session();
    if (province.empty()) {
      soci::rowset<soci::row> rows = (s->prepare << "SELECT " << kColumns << " FROM users ORDER BY username");
      for (const auto& r : rows) out.push_back(from_row(r));
    } else {
      soci::rowset<soci::row> rows =
          (s->prepare << "SELECT " << kColumns << " FROM users WHERE province = :p ORDER BY username",
           soci::use(province));
      for (const auto& r : rows) out.push_back(from_row(r));
    }
  } catch (const std::exception& e) {
    log_event(spdlog::level::err, "user list failed", {{"error", e.what()}});
  }
  return out;
}

sdk::Result<int> UserRepo::record_failed_login(const std::string& id) {
  auto s = db_.session();
  int count = 0;
  sdk::Status st = db_.write_transaction(*s, [&](soci::session& tx) -> sdk::Status {
    soci::statement up = (tx.prepare << "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = :id",
                          soci::use(id));
    if (sql::execute_count(up) == 0) return not_found("user", "用户");
    tx << "SELECT failed_logins FROM users WHERE id = :id", soci::use(id), soci::into(count);
    return sdk::Status::Ok();
  });
  if (!st) return st.error();
  return count;
}

sdk::Status UserRepo::reset_failed_logins(const std::string& id) {
  try {
    auto s = db_.session();
    soci::statement st = (s->prepare << "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = :id",
                          soci::use(id));
    return changed_one(st);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

sdk::Status UserRepo::lock_until(const std::string& id, TimePoint until) {
  try {
    auto s = db_.session();
    std::string u = sql::to_db(until);
    soci::statement st = (s->prepare << "UPDATE users SET locked_until = :u WHERE id = :id", soci::use(u),
                          soci::use(id));
    return changed_one(st);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

sdk::Status UserRepo::set_password_hash(const std::string& id, const std::string& password_hash) {
  try {
    auto s = db_.session();
    soci::statement st = (s->prepare << "UPDATE users SET password_hash = :h WHERE id = :id",
                          soci::use(password_hash), soci::use(id));
    return changed_one(st);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

sdk::Status SessionRepo::create(const std::string& token_hash, const std::string& user_id, TimePoint expires_at,
                                TimePoint now) {
  if (token_hash.empty() || token_hash.size() > 128)
    return sdk::make_error("BAD_SESSION_TOKEN", "session token hash must be 1..128 characters", "会话令牌无效");
  try {
    auto s = db_.session();
    std::string e = sql::to_db(expires_at), t = sql::to_db(now);
    *s << "INSERT INTO sessions (token_hash, user_id, expires_at, created_at) VALUES (:h, :u, :e, :t)",
        soci::use(token_hash), soci::use(user_id), soci::use(e), soci::use(t);
    return sdk::Status::Ok();
  } catch (const std::exception& e) {
    if (sql::is_foreign_key_violation(e)) return not_found("user", "用户");
    if (sql::is_duplicate_key(e))
      return sdk::make_error("SESSION_EXISTS", "a session with this token already exists", "会话已存在");
    return database_error(e);
  }
}

std::optional<SessionRecord> SessionRepo::get(const std::string& token_hash) {
  try {
    auto s = db_.session();
    soci::row r;
    *s << "SELECT token_hash, user_id, expires_at, created_at FROM sessions WHERE token_hash = :h",
        soci::use(token_hash), soci::into(r);
    if (!s->got_data()) return std::nullopt;
    return SessionRecord{sql::text(r, 0), sql::text(r, 1), sql::time(r, 2), sql::time(r, 3)};
  } catch (const std::exception& e) {
    log_event(spdlog::level::err, "session lookup failed", {{"error", e.what()}});
    return std::nullopt;
  }
}

sdk::Status SessionRepo::remove(const std::string& token_hash) {
  try {
    auto s = db_.session();
    *s << "DELETE FROM sessions WHERE token_hash = :h", soci::use(token_hash);
    return sdk::Status::Ok();
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

sdk::Result<std::int64_t> SessionRepo::purge_expired(TimePoint now) {
  try {
    auto s = db_.session();
    std::string t = sql::to_db(now);
    soci::statement st = (s->prepare << "DELETE FROM sessions WHERE expires_at <= :t", soci::use(t));
    return static_cast<std::int64_t>(sql::execute_count(st));
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

}  // namespace shiming::storage
