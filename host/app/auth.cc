#include "app/auth.h"

#include "app/hub.h"
#include "common/dates.h"
#include "common/log.h"
#include "common/random.h"
#include "core/login_throttle.h"
#include "crypto/digest.h"
#include "crypto/password.h"

namespace shiming {
namespace {

constexpr auto kSessionLifetime = std::chrono::hours(8);

sdk::Error invalid_token() {
  return {"INVALID_TOKEN", "Your sign-in has expired or is not valid. Please sign in again.",
          "登录凭证无效或已过期，请重新登录。", "Authorization"};
}

}  // namespace

sdk::Result<sdk::Actor> Auth::resolve(const sdk::HttpRequest& request, storage::CaseRecord* citizen_case) {
  std::string_view h = request.header("Authorization");
  if (h.empty()) return sdk::Actor{"anonymous", "", "", "anonymous"};
  constexpr std::string_view kBearer = "Bearer ";
  if (h.size() <= kBearer.size() || h.substr(0, kBearer.size()) != kBearer) return invalid_token();
  std::string token(h.substr(kBearer.size()));
  if (token.size() > 128) return invalid_token();
  std::string hash = crypto::sha256_hex(token);
  if (token.rfind("ct_", 0) == 0) {
    auto c = hub_.case_repo.by_token_hash(hash);
    if (!c) return invalid_token();
    sdk::Actor actor{"citizen", c->id, "", "citizen:" + c->id.substr(0, 8)};
    if (citizen_case) *citizen_case = std::move(c.value());
    return actor;
  }
  if (token.rfind("st_", 0) == 0) {
    auto s = hub_.sessions.get(hash);
    if (!s || s->expires_at <= hub_.clock().now()) return invalid_token();
    auto u = hub_.users.by_id(s->user_id);
    if (!u) return invalid_token();
    return sdk::Actor{u->role, u->id, u->province, u->role + ":" + u->username};
  }
  return invalid_token();
}

sdk::Result<LoginResult> Auth::login(const std::string& username, const std::string& password,
                                     int* retry_after) {
  auto now = hub_.clock().now();
  auto user = hub_.users.by_username(username);
  sdk::Error failed{"LOGIN_FAILED", "Wrong user name or password.", "用户名或密码错误。", ""};
  if (!user) {
    // Same work as a real check, so timing does not tell which user names exist.
    static const std::string dummy = crypto::hash_password("timing-equaliser");
    (void)crypto::verify_password(dummy, password);
    return failed;
  }
  if (user->locked_until && *user->locked_until > now) {
    auto wait = std::chrono::duration_cast<std::chrono::seconds>(*user->locked_until - now).count() + 1;
    if (retry_after) *retry_after = static_cast<int>(wait);
    return sdk::Error{"LOGIN_LOCKED",
                      "Too many failed sign-ins. Try again in " + std::to_string(wait) + " seconds.",
                      "登录失败次数过多，请 " + std::to_string(wait) + " 秒后再试。", ""};
  }
  if (!crypto::verify_password(user->password_hash, password)) {
    auto failures = hub_.users.record_failed_login(user->id);
    int n = failures ? failures.value() : user->failed_logins + 1;
    auto wait = wait_after_failures(n);
    if (wait.count() > 0) (void)hub_.users.lock_until(user->id, now + wait);
    log_event(spdlog::level::warn, "login failed", {{"user", user->id}, {"failures", n}});
    return failed;
  }
  (void)hub_.users.reset_failed_logins(user->id);
  LoginResult out;
  out.token = "st_" + random_token(32);
  auto expires = now + kSessionLifetime;
  if (auto s = hub_.sessions.create(crypto::sha256_hex(out.token), user->id, expires, now); !s)
    return s.error();
  out.expires_at = format_time(expires);
  out.role = user->role;
  out.province = user->province;
  out.username = user->username;
  log_event(spdlog::level::info, "login", {{"user", user->id}, {"role", user->role}});
  return out;
}

void Auth::logout(const std::string& token) { (void)hub_.sessions.remove(crypto::sha256_hex(token)); }

}  // namespace shiming
