#pragma once
// A throwaway rules directory for one test.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace shiming::rules::testing {

class TempRulesDir {
 public:
  TempRulesDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("shiming-rules-" + std::to_string(::getpid()) + "-" + info->test_suite_name() + "-" +
             info->name());
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempRulesDir() { std::filesystem::remove_all(path_); }
  TempRulesDir(const TempRulesDir&) = delete;
  TempRulesDir& operator=(const TempRulesDir&) = delete;

  std::string write(const std::string& name, const std::string& text) const {
    std::string file = (path_ / name).string();
    std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
    return file;
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string dir() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace shiming::rules::testing
