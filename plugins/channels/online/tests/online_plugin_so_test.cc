// Loads the real libonline.so through Boost.DLL, as the host does, and uses the channel.
#include <boost/dll/shared_library.hpp>
#include <gtest/gtest.h>

#include "shiming/sdk/testing/fakes.h"

namespace {

using namespace shiming;

TEST(OnlinePluginSo, ExportsAndWorksThroughTheLibrary) {
  auto lib = std::make_shared<boost::dll::shared_library>(std::string(SHIMING_PLUGIN_DIR) +
                                                          "/libonline.so");
  const ShimingPluginAbi* abi = lib->get_alias<const ShimingPluginAbi*()>("shiming_plugin_abi")();
  EXPECT_EQ(abi->sdk_major, SHIMING_SDK_VERSION_MAJOR);
  EXPECT_STREQ(abi->name, "online");
  EXPECT_STREQ(abi->kind, "channel");

  auto schemas = lib->get_alias<sdk::Result<sdk::PluginSchemas>()>("shiming_plugin_schemas")();
  ASSERT_TRUE(schemas.ok());
  bool has_liveness = false;
  for (const auto& f : schemas->rules.fields) has_liveness |= f.name == "liveness_required";
  EXPECT_TRUE(has_liveness);

  sdk::testing::FakeHost host;
  nlohmann::json config = nlohmann::json::object();
  auto created = lib->get_alias<sdk::PluginCreateResult(const sdk::PluginInit&)>(
      "shiming_plugin_create")(sdk::PluginInit{config, host});
  ASSERT_TRUE(created.ok()) << created.error().message;
  std::shared_ptr<sdk::PluginObject> obj(created->release(), [lib](sdk::PluginObject* p) { delete p; });
  sdk::Channel* channel = obj->as_channel();
  ASSERT_NE(channel, nullptr);
  EXPECT_EQ(obj->as_verifier(), nullptr);
  EXPECT_EQ(channel->opener_roles(), std::vector<std::string>{"citizen"});
  EXPECT_EQ(channel->default_sla_working_days(), 3);
  EXPECT_EQ(channel->documents(nlohmann::json::object()).size(), 4u);

  sdk::CaseView c;
  c.identity.name = "张三";
  c.identity.id_number = "11010519491231002X";
  auto st = channel->check_submit(c, {"id-front"}, nlohmann::json::object());
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "MISSING_DOCUMENT");
  EXPECT_EQ(st.error().field, "id-back");
  EXPECT_TRUE(channel->check_submit(c, {"id-front", "id-back"}, nlohmann::json::object()).ok());
  // An exception inside the plugin (invalid settings) comes back as a value.
  auto bad = channel->check_submit(c, {"id-front", "id-back"}, {{"max_pixels", "many"}});
  EXPECT_EQ(bad.error().code, "CHANNEL_SETTINGS_INVALID");
  // Routes: none of its own; unknown route ids get a 404 envelope, not a crash.
  EXPECT_TRUE(channel->routes().empty());
  EXPECT_EQ(channel->handle("nope", sdk::HttpRequest{}).status, 404);
}

}  // namespace
