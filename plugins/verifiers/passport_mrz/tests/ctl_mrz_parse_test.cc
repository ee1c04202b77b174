#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "shiming/mrz/ctl.h"

namespace shiming::mrz {
namespace {

struct Run {
  int code;
  std::string out, err;
};

Run run(const std::string& input, std::vector<std::string> args = {"--reference-year", "2026"}) {
  std::istringstream in(input);
  std::ostringstream out, err;
  int code = run_mrz_parse(args, in, out, err);
  return {code, out.str(), err.str()};
}

TEST(CtlMrzParse, ValidSpecimenPrintsJson) {
  auto r = run("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10\n");
  EXPECT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["valid"], true);
  EXPECT_EQ(j["fields"]["document_number"], "L898902C3");
  EXPECT_EQ(j["fields"]["expiry"], "2012-04-15");
  EXPECT_EQ(j["checks"].size(), 5u);
}

TEST(CtlMrzParse, WrongCheckDigitExitsOne) {
  auto r = run("P<UTOERIKSSON<<ANNA<MARIA\r\nL898902C37UTO7408122F1204159ZE184226B<<<<<10\r\n");
  EXPECT_EQ(r.code, 1);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["valid"], false);
  EXPECT_EQ(j["checks"][0]["ok"], false);
  EXPECT_EQ(j["checks"][0]["expected"], "6");
}

TEST(CtlMrzParse, BadInputAndUsage) {
  auto r = run("hello\n");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(nlohmann::json::parse(r.out)["error"]["code"], "MRZ_LINE_COUNT");
  EXPECT_EQ(run("", {}).code, 2);
  EXPECT_EQ(run(std::string(100000, 'A'), {}).code, 2);
  EXPECT_EQ(run("x", {"--bogus"}).code, 2);
  EXPECT_EQ(run("x", {"--reference-year", "abc"}).code, 2);
}

TEST(CtlMrzParse, TextSummary) {
  auto r = run("I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<\n",
               {"--text", "--reference-year", "2026"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("TD1"), std::string::npos);
  EXPECT_NE(r.out.find("ERIKSSON"), std::string::npos);
}

}  // namespace
}  // namespace shiming::mrz
