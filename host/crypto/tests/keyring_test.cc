#include "crypto/keyring.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "common/random.h"
#include "crypto/digest.h"

namespace shiming::crypto {
namespace {

namespace fs = std::filesystem;

class KeyringFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("shiming-keyring-" + random_id());
    path_ = (dir_ / "sub" / "keys.json").string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  std::string path_;
};

TEST(Keyring, TextRoundTripWithAndWithoutAad) {
  auto k = Keyring::generate();
  auto t = k.encrypt("张三 110105194912310021");
  EXPECT_EQ(t.rfind("v1.k1.", 0), 0u) << t;
  auto back = k.decrypt(t);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, "张三 110105194912310021");

  auto ta = k.encrypt("secret", "case/abc");
  EXPECT_TRUE(k.decrypt(ta, "case/abc"));
  auto wrong = k.decrypt(ta, "case/abd");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, "DECRYPTION_FAILED");
  EXPECT_FALSE(k.decrypt(ta));

  auto empty = k.decrypt(k.encrypt(""));
  ASSERT_TRUE(empty);
  EXPECT_EQ(*empty, "");
}

TEST(Keyring, NonceIsFreshEachTime) {
  auto k = Keyring::generate();
  EXPECT_NE(k.encrypt("same"), k.encrypt("same"));
}

TEST(Keyring, TamperingIsDetected) {
  auto k = Keyring::generate();
  auto t = k.encrypt("hello world");
  auto raw = *base64_decode(t.substr(6));
  for (std::size_t i = 0; i < raw.size(); ++i) {
    auto copy = raw;
    copy[i] ^= 0x01;
    auto r = k.decrypt("v1.k1." + base64_encode(copy));
    ASSERT_FALSE(r) << "byte " << i;
    EXPECT_EQ(r.error().code, "DECRYPTION_FAILED");
  }
  auto truncated = k.decrypt("v1.k1." + base64_encode(raw.substr(0, 20)));
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error().code, "DECRYPTION_FAILED");
}

TEST(Keyring, MalformedAndUnknownKeyIdAreErrors) {
  auto k = Keyring::generate();
  EXPECT_EQ(k.decrypt("").error().code, "CIPHERTEXT_MALFORMED");
  EXPECT_EQ(k.decrypt("v2.k1.AAAA").error().code, "CIPHERTEXT_MALFORMED");
  EXPECT_EQ(k.decrypt("v1.k1.@@@").error().code, "CIPHERTEXT_MALFORMED");
  EXPECT_EQ(k.decrypt("v1.k1").error().code, "CIPHERTEXT_MALFORMED");
  auto t = k.encrypt("x");
  auto r = k.decrypt("v1.k9." + t.substr(6));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "UNKNOWN_KEY_ID");
  EXPECT_FALSE(r.error().message_zh.empty());
  // Another keyring's token does not decrypt.
  EXPECT_EQ(Keyring::generate().decrypt(t).error().code, "DECRYPTION_FAILED");
}

TEST(Keyring, BytesRoundTripAndTamper) {
  auto k = Keyring::generate();
  std::vector<std::uint8_t> data(100000);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 31);
  auto blob = k.encrypt_bytes(data, "case/1/id-front");
  EXPECT_EQ(blob.size(), data.size() + 4 + 1 + 2 + 12 + 16);
  auto back = k.decrypt_bytes(blob, "case/1/id-front");
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, data);
  EXPECT_EQ(k.decrypt_bytes(blob, "case/1/face").error().code, "DECRYPTION_FAILED");
  auto bad = blob;
  bad[5000] ^= 0x80;
  EXPECT_EQ(k.decrypt_bytes(bad).error().code, "DECRYPTION_FAILED");
  EXPECT_EQ(k.decrypt_bytes({'S', 'M'}).error().code, "CIPHERTEXT_MALFORMED");
  EXPECT_EQ(k.decrypt_bytes({'S', 'M', 'K', '1', 9, 'k'}).error().code, "CIPHERTEXT_MALFORMED");
  auto empty = k.decrypt_bytes(k.encrypt_bytes({}));
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

TEST(Keyring, KeyedHashIsStableAndKeyed) {
  auto a = Keyring::generate();
  auto b = Keyring::generate();
  EXPECT_EQ(a.keyed_hash("11010519491231002X"), a.keyed_hash("11010519491231002X"));
  EXPECT_NE(a.keyed_hash("11010519491231002X"), b.keyed_hash("11010519491231002X"));
  EXPECT_EQ(a.keyed_hash("x").size(), 64u);
}

TEST_F(KeyringFile, CreatesWithMode0600AndReloadsSameKeys) {
  auto k = Keyring::load_or_create(path_);
  ASSERT_TRUE(k) << k.error().message;
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  ASSERT_EQ(::stat((dir_ / "sub").c_str(), &st), 0);  // the folder it made: the owner's alone
  EXPECT_EQ(st.st_mode & 0777, 0700);
  auto token = k->encrypt("data", "aad");
  auto again = Keyring::load_or_create(path_);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*again->decrypt(token, "aad"), "data");
  EXPECT_EQ(again->keyed_hash("a"), k->keyed_hash("a"));
}

TEST_F(KeyringFile, RefusesKeyFileReadableByOthers) {
  ASSERT_TRUE(Keyring::load_or_create(path_));
  ASSERT_EQ(::chmod(path_.c_str(), 0644), 0);
  auto r = Keyring::load_or_create(path_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "KEYRING_INSECURE_PERMISSIONS");
  EXPECT_NE(r.error().message.find("chmod 600"), std::string::npos);
  ASSERT_EQ(::chmod(path_.c_str(), 0640), 0);
  EXPECT_EQ(Keyring::load_or_create(path_).error().code, "KEYRING_INSECURE_PERMISSIONS");
  ASSERT_EQ(::chmod(path_.c_str(), 0600), 0);
  EXPECT_TRUE(Keyring::load_or_create(path_));
}

TEST_F(KeyringFile, RefusesInvalidFiles) {
  fs::create_directories(fs::path(path_).parent_path());
  auto write = [&](const std::string& s) {
    std::ofstream(path_, std::ios::trunc) << s;
    ::chmod(path_.c_str(), 0600);
  };
  write("not json");
  EXPECT_EQ(Keyring::load_or_create(path_).error().code, "KEYRING_INVALID");
  write(R"({"format":"shiming-keyring-v1","active":"k1","data_keys":[{"id":"k1","key":"c2hvcnQ="}],"lookup_key":"c2hvcnQ="})");
  auto r = Keyring::load_or_create(path_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "KEYRING_INVALID");
  EXPECT_NE(r.error().message.find("k1"), std::string::npos);
  write(R"({"format":"shiming-keyring-v1","active":"k2","data_keys":[{"id":"k1","key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}],"lookup_key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="})");
  EXPECT_EQ(Keyring::load_or_create(path_).error().code, "KEYRING_INVALID");
}

TEST_F(KeyringFile, RotationKeepsOldKeysForDecryption) {
  auto k1 = Keyring::load_or_create(path_);
  ASSERT_TRUE(k1);
  auto old_token = k1->encrypt("old", "a");
  auto old_blob = k1->encrypt_bytes({1, 2, 3});
  auto id = Keyring::rotate(path_);
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(*id, "k2");
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);

  auto k2 = Keyring::load_or_create(path_);
  ASSERT_TRUE(k2);
  EXPECT_EQ(k2->active_key_id(), "k2");
  EXPECT_EQ(k2->key_ids(), (std::vector<std::string>{"k1", "k2"}));
  auto fresh = k2->encrypt("new");
  EXPECT_EQ(fresh.rfind("v1.k2.", 0), 0u);
  EXPECT_EQ(*k2->decrypt(old_token, "a"), "old");
  EXPECT_EQ(*k2->decrypt_bytes(old_blob), (std::vector<std::uint8_t>{1, 2, 3}));
  EXPECT_EQ(k2->keyed_hash("lookup"), k1->keyed_hash("lookup"));
  // The old keyring does not know k2.
  EXPECT_EQ(k1->decrypt(fresh).error().code, "UNKNOWN_KEY_ID");
  EXPECT_EQ(*Keyring::rotate(path_), "k3");
}

}  // namespace
}  // namespace shiming::crypto
