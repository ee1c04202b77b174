#include "storage/user_repo.h"
#include "storage_fixture.h"

#include "crypto/password.h"

namespace shiming::storage {
namespace {

using namespace std::chrono;
using testing::StorageTest;

TimePoint at(const char* iso) { return *parse_time(iso); }

class UserRepoTest : public StorageTest {
 protected:
  User reviewer(const std::string& name) {
    User u;
    u.username = name;
    u.province = "beijing";
    u.role = "reviewer";
    u.password_hash = crypto::hash_password("s3cret-" + name);
    u.created_at = at("2026-05-01T08:00:00Z");
    return u;
  }
};

TEST_P(UserRepoTest, CreateGetAndUniqueUsername) {
  UserRepo users(*db_);
  auto id = users.create(reviewer("wang"));
  ASSERT_TRUE(id) << id.error().message;
  auto dup = users.create(reviewer("wang"));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, "USERNAME_TAKEN");
  auto u = users.by_username("wang");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->id, *id);
  EXPECT_EQ(u->role, "reviewer");
  EXPECT_TRUE(crypto::verify_password(u->password_hash, "s3cret-wang"));
  EXPECT_EQ(users.by_id(*id)->username, "wang");
  EXPECT_EQ(users.by_username("Wang").error().code, "NOT_FOUND") << "usernames are case-sensitive on both backends";
  EXPECT_EQ(users.by_id("x").error().code, "NOT_FOUND");
  ASSERT_TRUE(users.create(reviewer("zhao")));
  auto other = reviewer("li");
  other.province = "shanghai";
  ASSERT_TRUE(users.create(other));
  EXPECT_EQ(users.list("beijing").size(), 2u);
  EXPECT_EQ(users.list().size(), 3u);
  EXPECT_EQ(users.create(User{}).error().code, "BAD_USERNAME");
}

TEST_P(UserRepoTest, FailedLoginsAndLocks) {
  UserRepo users(*db_);
  auto id = *users.create(reviewer("wang"));
  EXPECT_EQ(*users.record_failed_login(id), 1);
  EXPECT_EQ(*users.record_failed_login(id), 2);
  ASSERT_TRUE(users.lock_until(id, at("2026-05-01T09:00:00Z")));
  auto u = users.by_id(id);
  EXPECT_EQ(u->failed_logins, 2);
  EXPECT_EQ(u->locked_until, at("2026-05-01T09:00:00Z"));
  ASSERT_TRUE(users.reset_failed_logins(id));
  u = users.by_id(id);
  EXPECT_EQ(u->failed_logins, 0);
  EXPECT_FALSE(u->locked_until);
  EXPECT_EQ(users.record_failed_login("nope").error().code, "NOT_FOUND");
  EXPECT_EQ(users.lock_until("nope", at("2026-05-01T09:00:00Z")).error().code, "NOT_FOUND");
  ASSERT_TRUE(users.set_password_hash(id, crypto::hash_password("new")));
  EXPECT_TRUE(crypto::verify_password(users.by_id(id)->password_hash, "new"));
}

TEST_P(UserRepoTest, SessionsCreateGetDeletePurge) {
  UserRepo users(*db_);
  SessionRepo sessions(*db_);
  auto id = *users.create(reviewer("wang"));
  auto now = at("2026-05-01T08:00:00Z");
  ASSERT_TRUE(sessions.create("h1", id, now + hours(8), now));
  ASSERT_TRUE(sessions.create("h2", id, now + hours(1), now));
  EXPECT_EQ(sessions.create("h1", id, now + hours(8), now).error().code, "SESSION_EXISTS");
  EXPECT_EQ(sessions.create("h3", "no-user", now + hours(8), now).error().code, "NOT_FOUND");
  auto s = sessions.get("h1");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->user_id, id);
  EXPECT_EQ(s->expires_at, now + hours(8));
  EXPECT_FALSE(sessions.get("zz"));
  EXPECT_EQ(*sessions.purge_expired(now + hours(2)), 1);
  EXPECT_FALSE(sessions.get("h2"));
  ASSERT_TRUE(sessions.remove("h1"));
  EXPECT_FALSE(sessions.get("h1"));
}

SHIMING_STORAGE_BACKENDS(UserRepoTest);

}  // namespace
}  // namespace shiming::storage
