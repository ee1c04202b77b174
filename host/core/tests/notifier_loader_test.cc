// SDK 1.2: notifier plugins load through the same loader, and a plugin built
// against SDK 1.1 (no notifier export) still loads.
#include <gtest/gtest.h>

#include "core/plugin_loader.h"
#include "shiming/sdk/testing/fakes.h"

namespace shiming {
namespace {

std::string test_plugin(const std::string& name) {
  return std::string(SHIMING_BINARY_DIR) + "/host/core/test-plugins/lib" + name + ".so";
}

TEST(NotifierLoader, LoadsANotifierAndReachesItWithoutRtti) {
  auto lib = open_plugin(test_plugin("test_notifier_good"));
  ASSERT_TRUE(lib) << lib.error().message;
  EXPECT_EQ(lib->kind, "notifier");
  EXPECT_EQ(lib->sdk_minor, sdk::kSdkMinor);
  sdk::testing::FakeHost host;
  auto obj = create_plugin(*lib, nlohmann::json::object(), host);
  ASSERT_TRUE(obj) << obj.error().message;
  EXPECT_EQ((*obj)->as_verifier(), nullptr);
  EXPECT_EQ((*obj)->as_channel(), nullptr);
  sdk::Notifier* n = plugin_notifier(*lib, obj->get());
  ASSERT_NE(n, nullptr);
  sdk::Notification note;
  note.email = "a@example.cn";
  EXPECT_EQ(n->send(note).outcome, sdk::NotifyOutcome::sent);
  note.email.clear();
  EXPECT_EQ(n->send(note).outcome, sdk::NotifyOutcome::skipped);
  // An exception inside the plugin comes back as a retry, not across the boundary.
  note.email = "throw@example.cn";
  auto r = n->send(note);
  EXPECT_EQ(r.outcome, sdk::NotifyOutcome::retry);
  EXPECT_EQ(r.code, "NOTIFIER_FAILED");
}

TEST(NotifierLoader, APluginBuiltForSdk11StillLoads) {
  auto lib = open_plugin(test_plugin("test_notifier_sdk11"));
  ASSERT_TRUE(lib) << lib.error().message;
  EXPECT_EQ(lib->sdk_major, 1u);
  EXPECT_EQ(lib->sdk_minor, 1u);
  EXPECT_EQ(lib->kind, "verifier");
  sdk::testing::FakeHost host;
  auto obj = create_plugin(*lib, nlohmann::json::object(), host);
  ASSERT_TRUE(obj) << obj.error().message;
  EXPECT_NE((*obj)->as_verifier(), nullptr);
  EXPECT_EQ(plugin_notifier(*lib, obj->get()), nullptr);
}

TEST(NotifierLoader, AClassThatIsNoNotifierIsRefused) {
  auto lib = open_plugin(test_plugin("test_notifier_fake"));
  ASSERT_TRUE(lib) << lib.error().message;
  sdk::testing::FakeHost host;
  auto obj = create_plugin(*lib, nlohmann::json::object(), host);
  ASSERT_FALSE(obj);
  EXPECT_NE(obj.error().message.find("does not implement its declared kind"), std::string::npos)
      << obj.error().message;
}

}  // namespace
}  // namespace shiming
