// ID-scan ZIP: unsafe paths, ZIP bombs, matching by file name. The archives are written with
// libzip itself (deflate), as a spreadsheet user's zip tool would.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zip.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "scan_archive.h"

namespace shiming::enterprise {
namespace {

namespace fs = std::filesystem;

class ScanArchiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("enterprise_scan_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string make_zip(const std::string& file, const std::vector<std::pair<std::string, std::string>>& entries) {
    std::string path = (dir_ / file).string();
    int err = 0;
    zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    EXPECT_NE(z, nullptr);
    for (const auto& [name, data] : entries) {
      zip_source_t* src = zip_source_buffer(z, data.data(), data.size(), 0);
      EXPECT_NE(src, nullptr);
      zip_int64_t idx = zip_file_add(z, name.c_str(), src, ZIP_FL_ENC_UTF_8);
      EXPECT_GE(idx, 0) << name;
      zip_set_file_compression(z, static_cast<zip_uint64_t>(idx), ZIP_CM_DEFLATE, 9);
    }
    EXPECT_EQ(zip_close(z), 0);
    return path;
  }

  fs::path dir_;
};

std::string scan_bytes() {
  // the bytes of a repository file stand for a scan (only names and sizes matter here)
  std::ifstream in(SHIMING_SOURCE_DIR "/README.md", std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {}).substr(0, 3000);
}

TEST(ScanArchiveNames, SafeEntryName) {
  EXPECT_TRUE(safe_entry_name("zhang.jpg"));
  EXPECT_TRUE(safe_entry_name("scans/张三.jpg"));
  EXPECT_TRUE(safe_entry_name("a..b.jpg"));
  EXPECT_FALSE(safe_entry_name("../evil.jpg"));
  EXPECT_FALSE(safe_entry_name("scans/../../evil.jpg"));
  EXPECT_FALSE(safe_entry_name("scans/.."));
  EXPECT_FALSE(safe_entry_name("/etc/passwd"));
  EXPECT_FALSE(safe_entry_name("..\\evil.jpg"));
  EXPECT_FALSE(safe_entry_name("C:evil.jpg"));
  EXPECT_FALSE(safe_entry_name(""));
}

TEST_F(ScanArchiveTest, MatchesByFileNameAndReads) {
  const std::string a = scan_bytes(), b = scan_bytes() + "2";
  auto path = make_zip("ok.zip", {{"scans/", ""}, {"scans/zhang.jpg", a}, {"li.jpg", b}});
  RowIssue err;
  auto z = ScanArchive::open(path, {}, err);
  ASSERT_TRUE(z) << err.code;
  EXPECT_EQ(z->size(), 2u);
  EXPECT_TRUE(z->has("zhang.jpg"));
  EXPECT_TRUE(z->has("li.jpg"));
  EXPECT_FALSE(z->has("wang.jpg"));
  EXPECT_EQ(z->read("zhang.jpg", err), a);
  EXPECT_EQ(z->read("li.jpg", err), b);
  EXPECT_FALSE(z->read("wang.jpg", err));
  EXPECT_EQ(err.code, "ROSTER_SCAN_MISSING");
}

TEST_F(ScanArchiveTest, DotDotPathRefused) {
  auto path = make_zip("dotdot.zip", {{"ok.jpg", scan_bytes()}, {"../../etc/evil.jpg", scan_bytes()}});
  RowIssue err;
  EXPECT_FALSE(ScanArchive::open(path, {}, err));
  EXPECT_EQ(err.code, "ZIP_PATH_UNSAFE");
  EXPECT_EQ(err.field, "../../etc/evil.jpg");
  EXPECT_FALSE(err.message_zh.empty());
  EXPECT_FALSE(fs::exists(dir_.parent_path().parent_path() / "etc/evil.jpg"));
}

TEST_F(ScanArchiveTest, ZipBombRefusedByRatioAndSize) {
  const std::string zeros(4u * 1024u * 1024u, '\0');  // deflates about 1000:1
  auto path = make_zip("bomb.zip", {{"ok.jpg", scan_bytes()}, {"bomb.jpg", zeros}});
  RowIssue err;
  EXPECT_FALSE(ScanArchive::open(path, {}, err));
  EXPECT_EQ(err.code, "ZIP_BOMB");
  EXPECT_EQ(err.field, "bomb.jpg");

  ScanLimits small;
  small.max_entry_bytes = 1000;
  small.max_ratio = 1e9;
  EXPECT_FALSE(ScanArchive::open(make_zip("big.zip", {{"big.jpg", scan_bytes()}}), small, err));
  EXPECT_EQ(err.code, "ZIP_BOMB");

  ScanLimits total;
  total.max_total_bytes = 5000;
  EXPECT_FALSE(ScanArchive::open(make_zip("many.zip", {{"a.jpg", scan_bytes()}, {"b.jpg", scan_bytes()}}), total, err));
  EXPECT_EQ(err.code, "ZIP_BOMB");
}

TEST_F(ScanArchiveTest, NotAZipAndTooManyEntries) {
  std::string path = (dir_ / "roster.zip").string();
  std::ofstream(path) << "name,id_number\n";
  RowIssue err;
  EXPECT_FALSE(ScanArchive::open(path, {}, err));
  EXPECT_EQ(err.code, "ZIP_INVALID");

  ScanLimits few;
  few.max_entries = 1;
  EXPECT_FALSE(ScanArchive::open(make_zip("two.zip", {{"a.jpg", scan_bytes()}, {"b.jpg", scan_bytes()}}), few, err));
  EXPECT_EQ(err.code, "ZIP_TOO_MANY_ENTRIES");
}

}  // namespace
}  // namespace shiming::enterprise
