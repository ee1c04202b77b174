#include "outbox_file.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "shiming/sdk/testing/fakes.h"

namespace shiming::notifiers {
namespace {

sdk::Notification sample() {
  sdk::Notification n;
  n.id = "ob-1";
  n.event = sdk::notify_event::kStatusChanged;
  n.case_id = "case-1";
  n.province = "beijing";
  n.status = "verified";
  n.candidate_name_masked = "张*";
  n.phone = "13812345678";
  n.email = "zhang.san@example.cn";
  n.subject_zh = "【北京市软考办】实名认证状态更新：已实名";
  n.body_zh = "张*，您好：\n已通过。";
  n.subject_en = "[Beijing exam office] Identity verification: verified";
  n.body_en = "Dear 张*,\nverified.";
  return n;
}

class OutboxFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("outbox-file-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    host_.data_directory = dir_.string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::vector<nlohmann::json> lines(const std::string& path) {
    std::ifstream in(path);
    std::vector<nlohmann::json> out;
    for (std::string l; std::getline(in, l);) out.push_back(nlohmann::json::parse(l));
    return out;
  }
  std::filesystem::path dir_;
  sdk::testing::FakeHost host_;
};

TEST_F(OutboxFileTest, RelativePathLiesUnderTheDataDirAndLinesAppendWithMaskedContact) {
  nlohmann::json cfg = {{"path", "notifications/outbox.jsonl"}, {"include_contact", false}, {"fsync", true}};
  OutboxFileNotifier n(sdk::PluginInit{cfg, host_});
  EXPECT_EQ(n.path(), (dir_ / "notifications" / "outbox.jsonl").string());
  auto a = sample();
  EXPECT_EQ(n.send(a).outcome, sdk::NotifyOutcome::sent);
  a.id = "ob-2";
  a.event = sdk::notify_event::kDeadlineWarning;
  EXPECT_EQ(n.send(a).outcome, sdk::NotifyOutcome::sent);
  auto got = lines(n.path());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0]["id"], "ob-1");
  EXPECT_EQ(got[0]["subject_zh"], "【北京市软考办】实名认证状态更新：已实名");
  EXPECT_EQ(got[0]["phone"], "138****5678");
  EXPECT_EQ(got[0]["email"], "z***@example.cn");
  EXPECT_EQ(got[1]["event"], "deadline_warning");
  struct stat st {};
  ASSERT_EQ(::stat(n.path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // No clear contact anywhere in the file.
  std::ifstream in(n.path());
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(all.find("13812345678"), std::string::npos);
  EXPECT_EQ(all.find("zhang.san"), std::string::npos);
}

TEST_F(OutboxFileTest, IncludeContactWritesTheClearAddress) {
  nlohmann::json cfg = {{"path", (dir_ / "gw.jsonl").string()}, {"include_contact", true}, {"fsync", false}};
  OutboxFileNotifier n(sdk::PluginInit{cfg, host_});
  EXPECT_EQ(n.send(sample()).outcome, sdk::NotifyOutcome::sent);
  auto got = lines(n.path());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["phone"], "13812345678");
  EXPECT_EQ(got[0]["email"], "zhang.san@example.cn");
}

TEST_F(OutboxFileTest, UnwritableFileAsksForARetry) {
  nlohmann::json cfg = {{"path", "out.jsonl"}, {"include_contact", false}, {"fsync", false}};
  OutboxFileNotifier n(sdk::PluginInit{cfg, host_});
  // A directory where the file should be: open() fails.
  std::filesystem::create_directories(n.path());
  auto r = n.send(sample());
  EXPECT_EQ(r.outcome, sdk::NotifyOutcome::retry);
  EXPECT_EQ(r.code, "OUTBOX_FILE_UNAVAILABLE");
}

}  // namespace
}  // namespace shiming::notifiers
