#include "core/json_body.h"

#include <gtest/gtest.h>

namespace shiming {
namespace {

const std::vector<BodyField> kFields = {
    {"name", nlohmann::json::value_t::string, true, 8},
    {"age", nlohmann::json::value_t::number_integer, false},
};

std::string code_of(std::string_view body) {
  auto r = parse_body(body, kFields);
  return r.ok() ? "OK" : r.error().code;
}

TEST(JsonBody, AcceptsValidBodies) {
  EXPECT_EQ(code_of(R"({"name":"张三"})"), "OK");
  EXPECT_EQ(code_of(R"({"name":"张三","age":30})"), "OK");
}

TEST(JsonBody, EachProblemHasItsCode) {
  EXPECT_EQ(code_of("{\"name\":"), "MALFORMED_JSON");
  EXPECT_EQ(code_of("[1,2]"), "BODY_NOT_OBJECT");
  EXPECT_EQ(code_of(R"({"age":3})"), "MISSING_FIELD");
  EXPECT_EQ(code_of(R"({"name":"a","admin":true})"), "UNKNOWN_FIELD");
  EXPECT_EQ(code_of(R"({"name":5})"), "WRONG_TYPE");
  EXPECT_EQ(code_of(R"({"name":"a","age":"30"})"), "WRONG_TYPE");
  EXPECT_EQ(code_of(R"({"name":"abcdefghij"})"), "FIELD_TOO_LONG");
  EXPECT_EQ(code_of("{\"name\":\"\xff\xfe\"}"), "MALFORMED_JSON");  // invalid UTF-8
  EXPECT_EQ(code_of(""), "MALFORMED_JSON");
}

TEST(JsonBody, ErrorsNameTheField) {
  auto r = parse_body(R"({"name":1})", kFields);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "name");
  EXPECT_FALSE(r.error().message_zh.empty());
}

}  // namespace
}  // namespace shiming
