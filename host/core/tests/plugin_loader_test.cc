#include "core/plugin_loader.h"

#include <gtest/gtest.h>

#include "shiming/sdk/testing/fakes.h"

namespace shiming {
namespace {

std::string test_plugin(const std::string& name) {
  return std::string(SHIMING_BINARY_DIR) + "/host/core/test-plugins/lib" + name + ".so";
}

TEST(PluginLoader, LoadsAGoodPluginAndItsObjectKeepsTheLibrary) {
  auto lib = open_plugin(test_plugin("test_plugin_good"));
  ASSERT_TRUE(lib.ok()) << lib.error().message;
  EXPECT_EQ(lib->name, "test_plugin");
  EXPECT_EQ(lib->kind, "verifier");
  sdk::testing::FakeHost host;
  auto obj = create_plugin(*lib, nlohmann::json::object(), host);
  ASSERT_TRUE(obj.ok()) << obj.error().message;
  std::weak_ptr<boost::dll::shared_library> weak = lib->library;
  lib = sdk::Error{};  // drop the loader's handle: the object alone keeps the code loaded
  ASSERT_FALSE(weak.expired());
  sdk::testing::FakeVerificationContext ctx;
  EXPECT_EQ(obj.value()->as_verifier()->verify(ctx).outcome, sdk::Outcome::pass);
  obj = sdk::Error{};  // destroys the object, then the library
  EXPECT_TRUE(weak.expired());
}

TEST(PluginLoader, RefusesAnotherSdkMajorNamingFileAndVersions) {
  auto lib = open_plugin(test_plugin("test_plugin_major2"));
  ASSERT_FALSE(lib.ok());
  EXPECT_EQ(lib.error().code, "PLUGIN_SDK_MISMATCH");
  EXPECT_NE(lib.error().message.find("libtest_plugin_major2.so"), std::string::npos);
  EXPECT_NE(lib.error().message.find("SDK 2.0"), std::string::npos);
  EXPECT_NE(lib.error().message.find("SDK 1."), std::string::npos);
}

TEST(PluginLoader, ConstructorExceptionBecomesAnError) {
  auto lib = open_plugin(test_plugin("test_plugin_throws"));
  ASSERT_TRUE(lib.ok());
  sdk::testing::FakeHost host;
  auto obj = create_plugin(*lib, nlohmann::json::object(), host);
  ASSERT_FALSE(obj.ok());
  EXPECT_EQ(obj.error().code, "PLUGIN_INIT_FAILED");
  EXPECT_NE(obj.error().message.find("cannot open model file"), std::string::npos);
}

TEST(PluginLoader, MissingFilesAndForeignLibrariesAreClearErrors) {
  auto missing = open_plugin(test_plugin("does_not_exist"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("file not found"), std::string::npos);
  auto foreign = open_plugin(test_plugin("test_plugin_foreign"));
  ASSERT_FALSE(foreign.ok());
  EXPECT_NE(foreign.error().message.find("not a shiming plugin"), std::string::npos);
  auto not_elf = open_plugin(std::string(SHIMING_SOURCE_DIR) + "/README.md");
  ASSERT_FALSE(not_elf.ok());
  EXPECT_EQ(not_elf.error().code, "PLUGIN_LOAD_FAILED");
}

}  // namespace
}  // namespace shiming
