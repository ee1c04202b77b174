#include "http/url.h"

#include <gtest/gtest.h>

namespace shiming::http {
namespace {

TEST(PercentDecode, DecodesEscapes) {
  EXPECT_EQ(percent_decode("a%20b%2Fc").value(), "a b/c");
  EXPECT_EQ(percent_decode("a+b").value(), "a+b");
  EXPECT_EQ(percent_decode("a+b", true).value(), "a b");
  EXPECT_EQ(percent_decode("%e5%bc%a0").value(), "张");
}

TEST(PercentDecode, RejectsBadEscapes) {
  EXPECT_FALSE(percent_decode("%"));
  EXPECT_FALSE(percent_decode("%4"));
  EXPECT_FALSE(percent_decode("%G0"));
  EXPECT_FALSE(percent_decode("abc%"));
}

TEST(ValidUtf8, AcceptsAndRejects) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("ascii"));
  EXPECT_TRUE(valid_utf8("张三 😀"));
  EXPECT_FALSE(valid_utf8("\xFF"));
  EXPECT_FALSE(valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(valid_utf8("\xE0\x80\xAF"));      // overlong
  EXPECT_FALSE(valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(valid_utf8("\xE5\xBC"));          // truncated
  EXPECT_FALSE(valid_utf8("\x80"));              // lone continuation
}

TEST(ParseQuery, DecodesPairs) {
  auto q = parse_query("token=a%2Bb&name=%E5%BC%A0+%E4%B8%89&flag&empty=&token=second");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->at("token"), "a+b");  // the first occurrence wins
  EXPECT_EQ(q->at("name"), "张 三");
  EXPECT_EQ(q->at("flag"), "");
  EXPECT_EQ(q->at("empty"), "");
  EXPECT_EQ(q->size(), 4u);
}

TEST(ParseQuery, RejectsInvalidInput) {
  auto bad_utf8 = parse_query("a=%FF");
  ASSERT_FALSE(bad_utf8.ok());
  EXPECT_EQ(bad_utf8.error().code, "BAD_QUERY");
  EXPECT_FALSE(bad_utf8.error().message_zh.empty());
  EXPECT_FALSE(parse_query("a=%2").ok());
  EXPECT_FALSE(parse_query("%C0%AF=1").ok());
}

TEST(ParseQuery, EmptyAndStrayAmpersands) {
  auto q = parse_query("&&a=1&");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->size(), 1u);
  EXPECT_TRUE(parse_query("")->empty());
}

}  // namespace
}  // namespace shiming::http
