#include "storage/record_repo.h"
#include "storage_fixture.h"

namespace shiming::storage {
namespace {

using testing::StorageTest;

class RecordRepoTest : public StorageTest {};

TEST_P(RecordRepoTest, PutGetReplaceListRemove) {
  RecordRepo records(*db_, keys_);
  sdk::RecordStore& store = records;  // used through the SDK interface
  ASSERT_TRUE(store.put("bank", "sub-1", {{"name", "王五"}, {"amount", 3}}, "batch-7"));
  ASSERT_TRUE(store.put("bank", "sub-2", {{"name", "赵六"}}, "batch-7"));
  ASSERT_TRUE(store.put("bank", "sub-3", {{"name", "钱七"}}, "batch-8"));
  ASSERT_TRUE(store.put("roster", "sub-1", {{"other", true}}));
  auto v = store.get("bank", "sub-1");
  ASSERT_TRUE(v);
  EXPECT_EQ((*v)["name"], "王五");
  ASSERT_TRUE(store.put("bank", "sub-1", {{"name", "王五"}, {"amount", 4}}, "batch-8"));
  EXPECT_EQ((*store.get("bank", "sub-1"))["amount"], 4);
  auto b7 = store.list("bank", "batch-7");
  ASSERT_EQ(b7.size(), 1u);
  EXPECT_EQ(b7[0].first, "sub-2");
  auto b8 = store.list("bank", "batch-8");
  ASSERT_EQ(b8.size(), 2u);
  EXPECT_EQ(b8[0].first, "sub-1");
  EXPECT_EQ(b8[1].first, "sub-3");
  EXPECT_EQ(store.list("bank", "").size(), 3u);
  ASSERT_TRUE(store.remove("bank", "sub-2"));
  EXPECT_FALSE(store.get("bank", "sub-2"));
  EXPECT_TRUE(store.remove("bank", "sub-2"));
  EXPECT_FALSE(store.get("nothing", "x"));

  auto s = db_->session();
  std::string enc;
  *s << "SELECT value_enc FROM records WHERE collection = 'bank' AND record_key = 'sub-3'", soci::into(enc);
  EXPECT_EQ(enc.find("钱七"), std::string::npos);
  EXPECT_EQ(enc.rfind("v1.", 0), 0u);
}

TEST_P(RecordRepoTest, BadKeysAreClearErrors) {
  RecordRepo records(*db_, keys_);
  EXPECT_EQ(records.put("", "k", 1).error().code, "BAD_RECORD_KEY");
  EXPECT_EQ(records.put("c", "", 1).error().code, "BAD_RECORD_KEY");
  EXPECT_EQ(records.put("c", std::string(201, 'k'), 1).error().code, "BAD_RECORD_KEY");
  EXPECT_EQ(records.put("c", "k", "bad utf8 \xff").error().code, "BAD_RECORD_VALUE");
}

TEST_P(RecordRepoTest, ValuesMovedBetweenKeysDoNotDecrypt) {
  RecordRepo records(*db_, keys_);
  ASSERT_TRUE(records.put("c", "a", {{"secret", 1}}));
  ASSERT_TRUE(records.put("c", "b", {{"secret", 2}}));
  {
    auto s = db_->session();
    *s << "UPDATE records SET value_enc = (SELECT value_enc FROM (SELECT value_enc FROM records WHERE record_key = 'a') t) "
          "WHERE record_key = 'b'";
  }
  EXPECT_FALSE(records.get("c", "b"));
  EXPECT_TRUE(records.get("c", "a"));
}

SHIMING_STORAGE_BACKENDS(RecordRepoTest);

}  // namespace
}  // namespace shiming::storage
