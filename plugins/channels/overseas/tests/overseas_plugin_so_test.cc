// Loads the real liboverseas.so through Boost.DLL, as the host does.
#include <boost/dll/import.hpp>
#include <boost/dll/shared_library.hpp>

#include "overseas_test_util.h"

namespace {

using namespace shiming;

TEST(OverseasPluginSo, ExportsAndServes) {
  auto lib = std::make_shared<boost::dll::shared_library>(std::string(SHIMING_PLUGIN_DIR) + "/liboverseas.so");
  auto& abi_fn = lib->get_alias<const ShimingPluginAbi*()>("shiming_plugin_abi");
  EXPECT_STREQ(abi_fn()->name, "overseas");
  EXPECT_STREQ(abi_fn()->kind, "channel");
  auto& schemas_fn = lib->get_alias<sdk::Result<sdk::PluginSchemas>()>("shiming_plugin_schemas");
  auto schemas = schemas_fn();
  ASSERT_TRUE(schemas.ok());
  EXPECT_EQ(schemas->rules.fields.size(), 6u);
  auto& create = lib->get_alias<sdk::PluginCreateResult(const sdk::PluginInit&)>("shiming_plugin_create");
  sdk::testing::FakeHost host;
  host.settings[{"beijing", "overseas"}] = overseas::testing::live_settings();
  host.fake_clock().set(std::chrono::sys_days{std::chrono::year{2026} / 3 / 1});
  nlohmann::json config = nlohmann::json::object();
  auto created = create(sdk::PluginInit{config, host});
  ASSERT_TRUE(created.ok());
  std::shared_ptr<sdk::PluginObject> obj(created->release(), [lib](sdk::PluginObject* p) { delete p; });
  sdk::Channel* ch = obj->as_channel();
  ASSERT_NE(ch, nullptr);
  EXPECT_EQ(ch->routes().size(), 9u);
  sdk::HttpRequest r;
  r.body = overseas::testing::open_body().dump();
  r.actor = {"anonymous", "", "", ""};
  auto resp = ch->handle("open", r);
  EXPECT_EQ(resp.status, 201) << resp.body;
  auto id = nlohmann::json::parse(resp.body)["case_id"].get<std::string>();
  auto c = host.cases().get(id).value();
  auto s = ch->check_submit(c, {"passport"}, overseas::testing::live_settings());
  EXPECT_EQ(s.error().code, "MISSING_DOCUMENT");
  sdk::HttpRequest bad;
  bad.body = "\xff\xfe";
  EXPECT_EQ(ch->handle("open", bad).status, 400);
  EXPECT_EQ(ch->handle("nonexistent", bad).status, 404);
}

}  // namespace
