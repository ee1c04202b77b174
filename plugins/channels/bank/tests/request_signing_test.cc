#include <gtest/gtest.h>
#include <sodium.h>

#include "request_signing.h"

namespace shiming::bank {
namespace {

struct Keypair {
  std::array<std::uint8_t, 32> pk{};
  std::array<std::uint8_t, 64> sk{};
  Keypair() { crypto_sign_keypair(pk.data(), sk.data()); }
};

TEST(RequestSigning, CanonicalStringNamesEveryPart) {
  EXPECT_EQ(canonical_request("POST", "/p", "bj", "100", "nonce", ""),
            "POST\n/p\nbj\n100\nnonce\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(RequestSigning, Ed25519VerifiesAndAnyChangeBreaksIt) {
  ASSERT_GE(sodium_init(), 0);
  Keypair k;
  std::string m = canonical_request("POST", "/api/v1/channels/bank/submissions", "bj", "1700000000", "abcdefghijklmnop", "{}");
  std::string sig = sign_ed25519(m, k.sk);
  EXPECT_TRUE(verify_ed25519(m, sig, k.pk));
  EXPECT_FALSE(verify_ed25519(m + "x", sig, k.pk));
  EXPECT_FALSE(verify_ed25519(canonical_request("POST", "/api/v1/channels/bank/submissions", "sc", "1700000000",
                                                "abcdefghijklmnop", "{}"), sig, k.pk));
  EXPECT_FALSE(verify_ed25519(m, "not base64!", k.pk));
  Keypair other;
  EXPECT_FALSE(verify_ed25519(m, sig, other.pk));
}

TEST(RequestSigning, HmacVerifiesOnlyWithTheSameSecret) {
  std::string secret(40, 's');
  std::string sig = sign_hmac_sha256("message", secret);
  EXPECT_TRUE(verify_hmac_sha256("message", sig, secret));
  EXPECT_FALSE(verify_hmac_sha256("message", sig, std::string(40, 't')));
  EXPECT_FALSE(verify_hmac_sha256("messagf", sig, secret));
}

TEST(RequestSigning, PublicKeyFromPemOrRawBase64) {
  ASSERT_GE(sodium_init(), 0);
  Keypair k;
  std::string der = std::string("\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00", 12) +
                    std::string(reinterpret_cast<const char*>(k.pk.data()), 32);
  std::string pem = "-----BEGIN PUBLIC KEY-----\n" + b64(der) + "\n-----END PUBLIC KEY-----\n";
  auto a = parse_ed25519_public_key(pem);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(*a, k.pk);
  auto b = parse_ed25519_public_key(b64(std::string(reinterpret_cast<const char*>(k.pk.data()), 32)));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, k.pk);
  EXPECT_FALSE(parse_ed25519_public_key("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----").ok());
  EXPECT_FALSE(parse_ed25519_public_key("%%%").ok());
}

TEST(RequestSigning, NonceFormat) {
  EXPECT_TRUE(valid_nonce("abcdefghij-_0123"));
  EXPECT_FALSE(valid_nonce("short"));
  EXPECT_FALSE(valid_nonce("abcdefghij klmnop"));
  EXPECT_FALSE(valid_nonce(std::string(65, 'a')));
}

}  // namespace
}  // namespace shiming::bank
