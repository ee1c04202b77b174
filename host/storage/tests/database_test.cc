#include <thread>

#include "storage/database_url.h"
#include "storage/migrations.h"
#include "storage_fixture.h"

namespace shiming::storage {
namespace {

using testing::StorageTest;

TEST(DatabaseUrl, ParsesSqliteAndMysqlForms) {
  auto s = parse_database_url("sqlite:var/shiming.db");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->dialect, Dialect::sqlite);
  EXPECT_EQ(s->sqlite_path, "var/shiming.db");
  EXPECT_EQ(parse_database_url("sqlite:///abs/x.db")->sqlite_path, "/abs/x.db");

  auto m = parse_database_url("mysql://app:p%40ss%27w@db.example:3307/shiming");
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->dialect, Dialect::mysql);
  EXPECT_NE(m->connect_string.find("password='p@ss\\'w'"), std::string::npos) << m->connect_string;
  EXPECT_NE(m->connect_string.find("port=3307"), std::string::npos);
  EXPECT_EQ(m->display.find("p@ss"), std::string::npos) << "password must not be displayed";

  auto sock = parse_database_url("mysql://app:pw@localhost/shiming?socket=/run/mysqld/mysqld.sock");
  ASSERT_TRUE(sock);
  EXPECT_NE(sock->connect_string.find("unix_socket='/run/mysqld/mysqld.sock'"), std::string::npos);
}

TEST(DatabaseUrl, RefusesBadUrlsWithClearErrors) {
  for (const char* bad : {"", "postgres://a@b/c", "sqlite:", "sqlite::memory:", "mysql://host/db",
                          "mysql://u:p@host:99999/db", "mysql://u:p@host:12/", "mysql://u:p@host/db;drop",
                          "mysql://u:p@host/db?ssl=1", "mysql://u:%zz@host/db", "var/shiming.db"}) {
    auto r = parse_database_url(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, "BAD_DATABASE_URL") << bad;
    EXPECT_FALSE(r.error().message_zh.empty());
  }
  auto opened = Database::open("oracle://x", 2);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, "BAD_DATABASE_URL");
}

TEST(Migrations, ExpandTokensPerDialect) {
  EXPECT_EQ(expand("a {TEXT} b {TEXT}", Dialect::sqlite), "a TEXT b TEXT");
  EXPECT_EQ(expand("a {TEXT} b {LONGTEXT}", Dialect::mysql), "a MEDIUMTEXT b LONGTEXT");
  EXPECT_EQ(expand("{INSERT_IGNORE} INTO t", Dialect::sqlite), "INSERT OR IGNORE INTO t");
  for (const auto& m : all_migrations())
    for (const auto& s : m.statements) EXPECT_EQ(expand(s, Dialect::mysql).find('{'), std::string::npos) << s;
}

TEST(DatabaseOpen, CreatesTheSqliteParentDirectory) {
  auto dir = std::filesystem::temp_directory_path() / ("shiming-open-" + random_id());
  auto db = Database::open("sqlite:" + (dir / "a" / "b" / "x.db").string(), 2);
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_TRUE(std::filesystem::exists(dir / "a" / "b"));
  auto s = (*db)->session();
  std::string mode;
  int fk = 0;
  *s << "PRAGMA journal_mode", soci::into(mode);
  *s << "PRAGMA foreign_keys", soci::into(fk);
  EXPECT_EQ(mode, "wal");
  EXPECT_EQ(fk, 1);
  auto perms = std::filesystem::status(dir / "a" / "b" / "x.db").permissions() & std::filesystem::perms::all;
  EXPECT_EQ(perms, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::filesystem::remove_all(dir);
}

TEST(DatabaseOpen, UnreachableMysqlIsAnErrorNotACrash) {
  // Port 1 on loopback: nothing listens there.
  auto db = Database::open("mysql://u:secret@127.0.0.1:1/x", 1);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, "DATABASE_UNAVAILABLE");
  EXPECT_EQ(db.error().message.find("secret"), std::string::npos);
}

class DatabaseTest : public StorageTest {};

TEST_P(DatabaseTest, MigrateIsIdempotent) {
  auto v = db_->schema_version();
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, all_migrations().back().version);
  ASSERT_TRUE(db_->migrate());
  ASSERT_TRUE(db_->migrate());
  auto s = db_->session();
  int n = 0;
  *s << "SELECT COUNT(*) FROM schema_migrations", soci::into(n);
  EXPECT_EQ(n, static_cast<int>(all_migrations().size()));
  int heads = 0;
  *s << "SELECT COUNT(*) FROM audit_head", soci::into(heads);
  EXPECT_EQ(heads, 1);
}

TEST_P(DatabaseTest, TwoHostsMigratingAtOnceBothSucceed) {
  // A second, empty database migrated concurrently by two "hosts".
  std::string url;
  std::string fresh_db;
  if (is_mysql()) {
    fresh_db = db_name_ + "_b";
    auto s = db_->session();
    *s << "CREATE DATABASE " << fresh_db;
    url = testing::with_database(admin_url_, fresh_db);
  } else {
    url = "sqlite:" + (dir_ / "two-hosts.db").string();
  }
  auto a = Database::open(url, 1);
  auto b = Database::open(url, 1);
  ASSERT_TRUE(a && b);
  sdk::Status ra, rb;
  std::thread ta([&] { ra = (*a)->migrate(); });
  std::thread tb([&] { rb = (*b)->migrate(); });
  ta.join();
  tb.join();
  EXPECT_TRUE(ra) << ra.error().message;
  EXPECT_TRUE(rb) << rb.error().message;
  auto s = (*a)->session();
  int n = 0;
  *s << "SELECT COUNT(*) FROM schema_migrations", soci::into(n);
  EXPECT_EQ(n, static_cast<int>(all_migrations().size()));
  if (!fresh_db.empty()) *s << "DROP DATABASE " << fresh_db;
}

TEST_P(DatabaseTest, WriteTransactionRollsBackOnErrorAndException) {
  auto s = db_->session();
  auto st = db_->write_transaction(*s, [](soci::session& tx) -> sdk::Status {
    tx << "INSERT INTO records (collection, record_key, idx, value_enc, updated_at) VALUES ('c', 'k1', '', 'v', 't')";
    return sdk::make_error("NOPE", "no", "不");
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, "NOPE");
  st = db_->write_transaction(*s, [](soci::session& tx) -> sdk::Status {
    tx << "INSERT INTO records (collection, record_key, idx, value_enc, updated_at) VALUES ('c', 'k2', '', 'v', 't')";
    tx << "INSERT INTO no_such_table VALUES (1)";
    return sdk::Status::Ok();
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, "DATABASE_ERROR");
  int n = -1;
  *s << "SELECT COUNT(*) FROM records", soci::into(n);
  EXPECT_EQ(n, 0);
  st = db_->write_transaction(*s, [](soci::session& tx) -> sdk::Status {
    tx << "INSERT INTO records (collection, record_key, idx, value_enc, updated_at) VALUES ('c', 'k3', '', 'v', 't')";
    return sdk::Status::Ok();
  });
  ASSERT_TRUE(st);
  *s << "SELECT COUNT(*) FROM records", soci::into(n);
  EXPECT_EQ(n, 1);
}

TEST_P(DatabaseTest, DroppedConnectionsAreReestablished) {
  if (!is_mysql()) GTEST_SKIP() << "only MariaDB connections can be dropped by the server";
  db_->set_idle_check(std::chrono::seconds(0));
  std::vector<long long> ids;
  {
    std::vector<Session> all;
    for (int i = 0; i < pool_size(); ++i) all.push_back(db_->session());
    for (auto& s : all) {
      long long id = 0;
      *s << "SELECT CONNECTION_ID()", soci::into(id);
      ids.push_back(id);
    }
  }
  {
    auto admin = Database::open(admin_url_, 1);
    ASSERT_TRUE(admin);
    auto s = (*admin)->session();
    for (long long id : ids) *s << "KILL CONNECTION " << id;
  }
  auto s = db_->session();
  int n = -1;
  *s << "SELECT COUNT(*) FROM schema_migrations", soci::into(n);
  EXPECT_EQ(n, static_cast<int>(all_migrations().size()));
  std::string isolation;
  *s << "SELECT @@tx_isolation", soci::into(isolation);
  EXPECT_EQ(isolation, "READ-COMMITTED") << "the reconnected session is set up again";
}

SHIMING_STORAGE_BACKENDS(DatabaseTest);

}  // namespace
}  // namespace shiming::storage
