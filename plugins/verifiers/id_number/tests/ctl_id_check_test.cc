#include "shiming/idnumber/ctl_id_check.h"

#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace shiming::idnumber {
namespace {

struct CtlRun {
  int code;
  std::string out, err;
};

CtlRun run(std::vector<std::string> args) {
  std::ostringstream out, err;
  int code = run_id_check(args, out, err);
  return {code, out.str(), err.str()};
}

std::vector<nlohmann::json> lines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(nlohmann::json::parse(line));
  return out;
}

TEST(CtlIdCheck, JsonOneObjectPerLine) {
  CtlRun r = run({"11010519491231002X", "--json", "110105491231002", "--today", "2026-05-23"});
  EXPECT_EQ(r.code, 0) << r.err;
  auto objs = lines(r.out);
  ASSERT_EQ(objs.size(), 2u);
  EXPECT_EQ(objs[0]["input"], "11010519491231002X");
  EXPECT_EQ(objs[0]["valid"], true);
  EXPECT_EQ(objs[0]["checks"]["check_character"]["ok"], true);
  EXPECT_EQ(objs[0]["checks"]["region"]["detail"], "110105 朝阳区");
  EXPECT_EQ(objs[0]["birth_date"], "1949-12-31");
  EXPECT_EQ(objs[1]["input"], "110105491231002");
  EXPECT_EQ(objs[1]["normalized"], "11010519491231002X");
}

TEST(CtlIdCheck, InvalidNumberExitsOneWithCodes) {
  CtlRun r = run({"--json", "110105194912310021", "11010519491231002X"});
  EXPECT_EQ(r.code, 1);
  auto objs = lines(r.out);
  ASSERT_EQ(objs.size(), 2u);
  EXPECT_EQ(objs[0]["valid"], false);
  EXPECT_EQ(objs[0]["checks"]["check_character"]["code"], "ID_CHECK_CHARACTER");
  EXPECT_EQ(objs[1]["valid"], true);
}

TEST(CtlIdCheck, UnknownRegionStillExitsZero) {
  CtlRun r = run({"44040119900101123X", "--json"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(lines(r.out)[0]["checks"]["region"]["code"], "ID_REGION_UNKNOWN");
}

TEST(CtlIdCheck, TextOutputNamesEachRuleAndThe18DigitForm) {
  CtlRun r = run({"110105491231002", "110105199002290018"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("18-digit: 11010519491231002X"), std::string::npos);
  EXPECT_NE(r.out.find("ID_BIRTH_DATE_INVALID"), std::string::npos);
  for (const char* rule : {"format", "check_character", "birth_date", "region"})
    EXPECT_NE(r.out.find(rule), std::string::npos) << rule;
}

TEST(CtlIdCheck, FutureDependsOnToday) {
  EXPECT_EQ(run({"110105202103010016", "--today=2021-03-01"}).code, 0);
  EXPECT_EQ(run({"110105202103010016", "--today=2021-02-28"}).code, 1);
}

TEST(CtlIdCheck, BinaryInputGivesValidJson) {
  CtlRun r = run({std::string("\xff\xfe", 2), "--json"});
  EXPECT_EQ(r.code, 1);
  auto objs = lines(r.out);
  ASSERT_EQ(objs.size(), 1u);
  EXPECT_EQ(objs[0]["checks"]["format"]["code"], "ID_FORMAT");
}

TEST(CtlIdCheck, TextOutputEchoesNoControlCharacters) {
  CtlRun r = run({"\x1b[2J1101051949"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos);
  EXPECT_NE(r.out.find("?[2J1101051949"), std::string::npos);
}

TEST(CtlIdCheck, UsageErrorsExitTwo) {
  EXPECT_EQ(run({}).code, 2);
  EXPECT_EQ(run({"--json"}).code, 2);
  EXPECT_EQ(run({"11010519491231002X", "--frobnicate"}).code, 2);
  EXPECT_EQ(run({"11010519491231002X", "--today"}).code, 2);
  CtlRun bad = run({"11010519491231002X", "--today", "2021-02-30"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("not a date"), std::string::npos);
  EXPECT_EQ(run({"--help"}).code, 0);
}

}  // namespace
}  // namespace shiming::idnumber
