#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "shiming/authority/protocol.h"

namespace shiming::authority {
namespace {

TEST(Protocol, HmacMatchesRfc4231TestCase2) {
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Protocol, Sha256OfAbc) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Protocol, CanonicalRequestLayout) {
  EXPECT_EQ(canonical_request("POST", "/v1/identity/check", "1700000000", "00ff", "abc"),
            "POST\n/v1/identity/check\n1700000000\n00ff\n"
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Protocol, SignatureCoversEveryPart) {
  const std::string key = "0123456789abcdef0123";
  auto sig = sign_request(key, "POST", "/p", "1", "n", "body");
  EXPECT_TRUE(signature_matches(key, "POST", "/p", "1", "n", "body", sig));
  EXPECT_FALSE(signature_matches(key, "GET", "/p", "1", "n", "body", sig));
  EXPECT_FALSE(signature_matches(key, "POST", "/q", "1", "n", "body", sig));
  EXPECT_FALSE(signature_matches(key, "POST", "/p", "2", "n", "body", sig));
  EXPECT_FALSE(signature_matches(key, "POST", "/p", "1", "m", "body", sig));
  EXPECT_FALSE(signature_matches(key, "POST", "/p", "1", "n", "bodY", sig));
  EXPECT_FALSE(signature_matches(key + "x", "POST", "/p", "1", "n", "body", sig));
  EXPECT_FALSE(signature_matches(key, "POST", "/p", "1", "n", "body", sig.substr(1)));
}

TEST(Protocol, Base64RoundTripAndRefusal) {
  for (const std::string& s : std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)})
    EXPECT_EQ(base64_decode(base64_encode(s)).value(), s);
  EXPECT_EQ(base64_encode("abcd"), "YWJjZA==");
  EXPECT_FALSE(base64_decode("YWJjZA=").has_value());
  EXPECT_FALSE(base64_decode("YWJj*A==").has_value());
}

TEST(Protocol, NoncesAreFreshAndWellFormed) {
  auto a = random_hex(16), b = random_hex(16);
  EXPECT_TRUE(well_formed_nonce(a));
  EXPECT_NE(a, b);
  EXPECT_FALSE(well_formed_nonce("ABCDEF0123456789ABCDEF0123456789"));
  EXPECT_FALSE(well_formed_nonce("abc"));
}

TEST(Protocol, AnswersRoundTrip) {
  for (int i = 0; i < 7; ++i) {
    auto a = static_cast<Answer>(i);
    EXPECT_EQ(parse_answer(to_string(a)), a);
  }
  EXPECT_FALSE(parse_answer("maybe").has_value());
}

}  // namespace
}  // namespace shiming::authority
