#pragma once
// Runs each storage test against a fresh SQLite file and, when
// SHIMING_TEST_MYSQL_URL is set (scripts/with-mariadb.sh), against a fresh
// MariaDB database of its own (created and dropped around the test).
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "common/random.h"
#include "crypto/keyring.h"
#include "storage/database.h"

namespace shiming::storage::testing {

inline std::string backend_name(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

// The URL with its database name replaced.
inline std::string with_database(const std::string& url, const std::string& db) {
  auto q = url.find('?');
  std::string base = url.substr(0, q);
  std::string query = q == std::string::npos ? "" : url.substr(q);
  return base.substr(0, base.rfind('/') + 1) + db + query;
}

class StorageTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("shiming-storage-" + random_id());
    std::filesystem::create_directories(dir_);
    if (GetParam() == "sqlite") {
      url_ = "sqlite:" + (dir_ / "db" / "test.db").string();
    } else {
      const char* base = std::getenv("SHIMING_TEST_MYSQL_URL");
      if (!base || !*base)
        GTEST_SKIP() << "SHIMING_TEST_MYSQL_URL is not set: run under scripts/with-mariadb.sh to test MariaDB";
      admin_url_ = base;
      db_name_ = "shiming_t_" + random_id().substr(0, 16);
      auto admin = Database::open(admin_url_, 1);
      ASSERT_TRUE(admin) << admin.error().message;
      {
        auto s = (*admin)->session();
        *s << "CREATE DATABASE " << db_name_ << " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
      }
      url_ = with_database(admin_url_, db_name_);
    }
    auto db = Database::open(url_, pool_size());
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    auto m = db_->migrate();
    ASSERT_TRUE(m) << m.error().message;
  }

  void TearDown() override {
    db_.reset();
    if (!db_name_.empty()) {
      auto admin = Database::open(admin_url_, 1);
      if (admin) {
        auto s = (*admin)->session();
        *s << "DROP DATABASE IF EXISTS " << db_name_;
      }
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  virtual int pool_size() const { return 6; }
  // Another "host" on the same database (its own pool).
  std::unique_ptr<Database> second_host() {
    auto db = Database::open(url_, pool_size());
    EXPECT_TRUE(db) << db.error().message;
    return db ? std::move(*db) : nullptr;
  }
  bool is_mysql() const { return GetParam() == "mysql"; }

  std::filesystem::path dir_;
  std::string url_;
  std::string admin_url_;
  std::string db_name_;
  std::unique_ptr<Database> db_;
  crypto::Keyring keys_ = crypto::Keyring::generate();
};

#define SHIMING_STORAGE_BACKENDS(Fixture) \
  INSTANTIATE_TEST_SUITE_P(Backends, Fixture, ::testing::Values(std::string("sqlite"), std::string("mysql")), \
                           ::shiming::storage::testing::backend_name)

}  // namespace shiming::storage::testing
