#include "crypto/password.h"

#include <gtest/gtest.h>

namespace shiming::crypto {
namespace {

TEST(Password, Argon2idRoundTrip) {
  auto h = hash_password("correct horse 电池 staple");
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u) << h;
  EXPECT_TRUE(verify_password(h, "correct horse 电池 staple"));
  EXPECT_FALSE(verify_password(h, "correct horse 电池 stapl"));
  EXPECT_FALSE(verify_password(h, ""));
  EXPECT_FALSE(password_needs_rehash(h));
}

TEST(Password, SaltsDiffer) {
  EXPECT_NE(hash_password("same"), hash_password("same"));
}

TEST(Password, MalformedHashesAreRejectedNotCrashing) {
  EXPECT_FALSE(verify_password("", "x"));
  EXPECT_FALSE(verify_password("plaintext", "plaintext"));
  EXPECT_FALSE(verify_password("$argon2id$v=19$garbage", "x"));
  EXPECT_FALSE(verify_password(std::string(500, 'a'), "x"));
  EXPECT_TRUE(password_needs_rehash("$argon2id$v=19$garbage"));
}

}  // namespace
}  // namespace shiming::crypto
