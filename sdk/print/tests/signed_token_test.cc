#include <gtest/gtest.h>

#include <sstream>

#include "shiming/print/signed_token.h"
#include "shiming/print/verify_cli.h"

namespace shiming::print {
namespace {

TEST(ReceiptToken, SignedTokenVerifiesWithThePublicKey) {
  auto keys = receipt_keys_from_seed(std::string(32, 'k'));
  ASSERT_TRUE(keys.ok());
  auto token = sign_receipt({{"case", "c1"}, {"id_number", "110105********002X"}}, *keys);
  auto v = verify_receipt(token, keys->public_key);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ((*v)["case"], "c1");
  EXPECT_EQ((*v)["kid"], keys->key_id());
}

TEST(ReceiptToken, EveryOneByteAlterationIsRefused) {
  auto keys = receipt_keys_from_seed("");
  auto token = sign_receipt({{"case", "c1"}, {"status", "verified"}}, *keys);
  for (std::size_t i = 0; i < token.size(); ++i) {
    std::string altered = token;
    altered[i] = altered[i] == 'A' ? 'B' : 'A';
    if (altered == token) continue;
    auto v = verify_receipt(altered, keys->public_key);
    EXPECT_FALSE(v.ok()) << "accepted a token altered at byte " << i;
  }
}

TEST(ReceiptToken, AnotherKeyAndGarbageAreRefusedWithDistinctCodes) {
  auto a = receipt_keys_from_seed(""), b = receipt_keys_from_seed("");
  auto token = sign_receipt({{"case", "c1"}}, *a);
  EXPECT_EQ(verify_receipt(token, b->public_key).error().code, "RECEIPT_SIGNATURE_INVALID");
  EXPECT_EQ(verify_receipt("no-dot", a->public_key).error().code, "RECEIPT_TOKEN_MALFORMED");
  EXPECT_EQ(verify_receipt("a.b.c", a->public_key).error().code, "RECEIPT_TOKEN_MALFORMED");
  EXPECT_EQ(verify_receipt(std::string(5000, 'a'), a->public_key).error().code, "RECEIPT_TOKEN_MALFORMED");
}

TEST(ReceiptVerifyCli, ExitCodesAndJson) {
  auto keys = receipt_keys_from_seed("");
  auto token = sign_receipt({{"case", "c9"}}, *keys);
  std::string pk = base64_encode(std::string_view(reinterpret_cast<const char*>(keys->public_key.data()), 32));
  std::ostringstream out, err;
  EXPECT_EQ(run_receipt_verify({"--json", "--public-key", pk, token}, out, err), 0) << err.str();
  auto j = nlohmann::json::parse(out.str());
  EXPECT_TRUE(j["valid"].get<bool>());
  EXPECT_EQ(j["receipt"]["case"], "c9");
  std::string altered = token;
  altered[3] = altered[3] == 'x' ? 'y' : 'x';
  std::ostringstream out2;
  EXPECT_EQ(run_receipt_verify({"--public-key", pk, altered}, out2, err), 1);
  EXPECT_NE(out2.str().find("INVALID"), std::string::npos);
  EXPECT_EQ(run_receipt_verify({"--public-key", "short", token}, out2, err), 2);
  EXPECT_EQ(run_receipt_verify({token}, out2, err), 2);
}

}  // namespace
}  // namespace shiming::print
