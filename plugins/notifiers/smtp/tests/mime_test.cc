#include "mime.h"

#include <gtest/gtest.h>

namespace shiming::notifiers::smtp {
namespace {

std::string unbase64(const std::string& in) {
  static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned v = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    auto p = kAlphabet.find(c);
    if (p == std::string::npos) continue;
    v = (v << 6) | static_cast<unsigned>(p);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((v >> bits) & 0xFF);
    }
  }
  return out;
}

bool valid_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

TEST(Base64, KnownVectors) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("M"), "TQ==");
  EXPECT_EQ(base64("Ma"), "TWE=");
  EXPECT_EQ(base64("Man"), "TWFu");
  EXPECT_EQ(base64("认证"), "6K6k6K+B");
}

TEST(HeaderWord, AsciiStaysPlainAndUtf8IsBEncoded) {
  EXPECT_EQ(encode_header_word("Identity verification: verified"), "Identity verification: verified");
  EXPECT_EQ(encode_header_word("认证"), "=?UTF-8?B?6K6k6K+B?=");
  // '?' and '=' would end an encoded word early in a reader: encode them.
  EXPECT_EQ(encode_header_word("a=?b").rfind("=?UTF-8?B?", 0), 0u);
}

TEST(HeaderWord, LongSubjectIsFoldedIntoWordsOfAtMost75CharactersOnCharacterBoundaries) {
  std::string subject = "【北京市软考办】实名认证状态更新：未认证（已过截止时间）请尽快联系当地软考办咨询补实名事宜";
  std::string h = encode_header_word(subject);
  std::string decoded;
  std::size_t pos = 0;
  int words = 0;
  while (pos < h.size()) {
    auto end = h.find("\r\n ", pos);
    std::string word = h.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    EXPECT_LE(word.size(), 75u) << word;
    ASSERT_EQ(word.rfind("=?UTF-8?B?", 0), 0u);
    ASSERT_EQ(word.substr(word.size() - 2), "?=");
    std::string part = unbase64(word.substr(10, word.size() - 12));
    EXPECT_TRUE(valid_utf8(part)) << "word " << words << " splits a character";
    decoded += part;
    ++words;
    if (end == std::string::npos) break;
    pos = end + 3;
  }
  EXPECT_GT(words, 1);
  EXPECT_EQ(decoded, subject);
}

TEST(Message, HeadersAndBase64BodyWithCrlf) {
  MailParts m;
  m.from_address = "noreply@ruankao.example";
  m.from_name = "软考办";
  m.to_address = "zhang.san@example.cn";
  m.subject = "实名认证";
  m.body = "第一行\n第二行\n";
  m.message_id = "ob-1@shiming";
  m.date = std::chrono::sys_days{std::chrono::year{2026} / 11 / 29} + std::chrono::hours(1) + std::chrono::minutes(2);
  std::string msg = build_message(m);
  EXPECT_NE(msg.find("Date: Sun, 29 Nov 2026 01:02:00 +0000\r\n"), std::string::npos);
  EXPECT_NE(msg.find("From: =?UTF-8?B?" + base64("软考办") + "?= <noreply@ruankao.example>\r\n"), std::string::npos);
  EXPECT_NE(msg.find("To: <zhang.san@example.cn>\r\n"), std::string::npos);
  EXPECT_NE(msg.find("Subject: =?UTF-8?B?" + base64("实名认证") + "?=\r\n"), std::string::npos);
  EXPECT_NE(msg.find("Content-Type: text/plain; charset=UTF-8\r\n"), std::string::npos);
  auto body_at = msg.find("\r\n\r\n");
  ASSERT_NE(body_at, std::string::npos);
  EXPECT_EQ(unbase64(msg.substr(body_at + 4)), "第一行\r\n第二行\r\n");
  // No bare LF anywhere.
  for (std::size_t i = 0; i < msg.size(); ++i) {
    if (msg[i] == '\n') {
      ASSERT_TRUE(i > 0 && msg[i - 1] == '\r') << "bare LF at " << i;
    }
  }
}

}  // namespace
}  // namespace shiming::notifiers::smtp
