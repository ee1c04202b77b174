// `shimingctl ocr idcard` (run_ocr_idcard, which shimingctl's main calls with the arguments after
// "ocr idcard"): usage errors, the --json object's keys and values on generated photos, a file
// that is no image.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "photo_helpers.h"
#include "shiming/idcard_ocr/ctl_ocr_idcard.h"

namespace {

using namespace shiming::idcard_ocr;
using namespace shiming::idcard_ocr::testing;
using namespace std::chrono;
namespace fs = std::filesystem;

const year_month_day kToday{year(2026), month(6), day(1)};

struct CtlRun {
  int rc = -1;
  std::string out, err;
};

CtlRun ctl(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  CtlRun r;
  r.rc = run_ocr_idcard(args, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

class CtlOcrIdcard : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ctl_ocr_idcard_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::vector<std::uint8_t>& bytes) {
    std::string p = (dir_ / name).string();
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return p;
  }
  fs::path dir_;
};

TEST_F(CtlOcrIdcard, UsageErrors) {
  CtlRun r = ctl({});
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.err.find("--front is required"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("usage: shimingctl ocr idcard"), std::string::npos);
  r = ctl({"--front"});
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.err.find("missing value after --front"), std::string::npos) << r.err;
  r = ctl({"--front", "x.jpg", "--colour"});
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.err.find("unknown argument: --colour"), std::string::npos) << r.err;
  r = ctl({"--front", (dir_ / "missing.jpg").string()});
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.err.find("cannot read"), std::string::npos) << r.err;
  r = ctl({"--front", "x.jpg", "--today", "1.6.2026"});
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.err.find("expected YYYY-MM-DD"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST_F(CtlOcrIdcard, JsonFieldsOfBothSides) {
  std::mt19937_64 rng(7301);
  auto id = gen::random_identity(rng, kToday);
  auto truth = id.truth_json();
  gen::CaptureOptions o;
  o.difficulty = 0;
  o.max_megapixels = 2.0;
  o.upside_down_rate = 0;
  std::string front = write("front.jpg", jpeg(gen::photograph(id, gen::render_front, o, rng).image));
  std::string back = write("back.jpg", jpeg(gen::photograph(id, gen::render_back, o, rng).image));

  CtlRun r = ctl({"--front", front, "--back", back, "--json", "--today", "2026-06-01", "--exam-date", "2026-06-01",
               "--name", truth["name"], "--id-number", truth["id_number"]});
  auto j = nlohmann::json::parse(r.out);
  const auto& f = j.at("fields");
  SCOPED_TRACE(r.out);
  // Every field of the list, in its format; the ones a reader cannot get wrong on a
  // clean photo compared with the truth.
  for (const char* k : {"name", "sex", "ethnicity", "birth", "address", "id_number", "issuing_authority",
                        "valid_from", "valid_to"}) {
    ASSERT_TRUE(f.contains(k)) << k;
    EXPECT_TRUE(j.at("confidence").contains(k)) << k;
  }
  EXPECT_EQ(f["id_number"], truth["id_number"]);
  EXPECT_EQ(f["sex"], truth["sex"]);
  EXPECT_EQ(f["birth"], truth["birth"]);
  EXPECT_EQ(f["valid_from"], truth["valid_from"]);
  EXPECT_EQ(f["valid_to"], truth["valid_to"]);
  EXPECT_EQ(f["address"].get<std::string>().find(' '), std::string::npos);
  EXPECT_EQ(f["name"], truth["name"]);
  EXPECT_EQ(r.rc, j["verdict"] == "pass" ? 0 : 1);
  EXPECT_TRUE(j.contains("front") && j.contains("back"));
  EXPECT_TRUE(j["front"].contains("timings_ms"));

  // The front alone: the back's fields are absent, not empty.
  r = ctl({"--front", front, "--json", "--today", "2026-06-01"});
  j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["fields"].contains("id_number"));
  EXPECT_FALSE(j["fields"].contains("valid_from"));
  EXPECT_FALSE(j["fields"].contains("issuing_authority"));
  EXPECT_FALSE(j.contains("back"));

  // Human-readable: one line per field, the verdict.
  r = ctl({"--front", front, "--today", "2026-06-01"});
  EXPECT_NE(r.out.find("id_number"), std::string::npos);
  EXPECT_NE(r.out.find(truth["id_number"].get<std::string>()), std::string::npos);
  EXPECT_NE(r.out.find("verdict"), std::string::npos);
}

TEST_F(CtlOcrIdcard, NotAnImageIsAReasonNotACrash) {
  std::string text = write("notes.jpg", std::vector<std::uint8_t>{'h', 'e', 'l', 'l', 'o', '\n'});
  CtlRun r = ctl({"--front", text, "--json"});
  EXPECT_EQ(r.rc, 1);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["verdict"], "fail");
  ASSERT_FALSE(j["reasons"].empty());
  EXPECT_EQ(j["reasons"][0]["code"], "NOT_AN_IMAGE");
  EXPECT_FALSE(j["reasons"][0]["message_zh"].get<std::string>().empty());
  EXPECT_TRUE(j["fields"].empty());
}

}  // namespace
