// Loads the real libid_number.so through Boost.DLL, as the host does, and runs it.
#include <boost/dll/import.hpp>
#include <boost/dll/shared_library.hpp>
#include <gtest/gtest.h>

#include "shiming/sdk/testing/fakes.h"

namespace {

using namespace shiming;

std::string plugin_path() { return std::string(SHIMING_PLUGIN_DIR) + "/libid_number.so"; }

TEST(IdNumberPluginSo, ExportsAbiSchemasAndCreate) {
  auto lib = std::make_shared<boost::dll::shared_library>(plugin_path());
  ASSERT_TRUE(lib->has("shiming_plugin_abi"));
  auto& abi_fn = lib->get_alias<const ShimingPluginAbi*()>("shiming_plugin_abi");
  const ShimingPluginAbi* abi = abi_fn();
  EXPECT_EQ(abi->struct_size, sizeof(ShimingPluginAbi));
  EXPECT_EQ(abi->sdk_major, SHIMING_SDK_VERSION_MAJOR);
  EXPECT_STREQ(abi->name, "id_number");
  EXPECT_STREQ(abi->kind, "verifier");

  auto& schemas_fn = lib->get_alias<sdk::Result<sdk::PluginSchemas>()>("shiming_plugin_schemas");
  auto schemas = schemas_fn();
  ASSERT_TRUE(schemas.ok());
  EXPECT_EQ(schemas->rules.fields.size(), 3u);

  auto& create =
      lib->get_alias<sdk::PluginCreateResult(const sdk::PluginInit&)>("shiming_plugin_create");
  sdk::testing::FakeHost host;
  nlohmann::json config = nlohmann::json::object();
  auto created = create(sdk::PluginInit{config, host});
  ASSERT_TRUE(created.ok()) << created.error().message;
  // The object keeps its library alive, as the host's loader arranges.
  std::shared_ptr<sdk::PluginObject> obj(created->release(), [lib](sdk::PluginObject* p) { delete p; });
  sdk::Verifier* verifier = obj->as_verifier();
  ASSERT_NE(verifier, nullptr);
  EXPECT_EQ(obj->as_channel(), nullptr);

  sdk::testing::FakeVerificationContext ctx;
  ctx.clock_.set(std::chrono::sys_days{std::chrono::year{2026} / 5 / 23});
  ctx.subject_.identity.id_number = "11010519491231002X";
  ctx.subject_.identity.sex = "F";
  EXPECT_EQ(verifier->verify(ctx).outcome, sdk::Outcome::pass);
  ctx.subject_.identity.id_number = "110105194912310021";
  auto bad = verifier->verify(ctx);
  EXPECT_EQ(bad.outcome, sdk::Outcome::fail);
  ASSERT_FALSE(bad.reasons.empty());
  EXPECT_EQ(bad.reasons[0].code, "ID_CHECK_CHARACTER");
  ctx.subject_.identity.id_number = "44040119900101123X";
  ctx.subject_.identity.sex = "";
  ctx.params_ = {{"unknown_region", "review"}};
  EXPECT_EQ(verifier->verify(ctx).outcome, sdk::Outcome::needs_review);
}

TEST(IdNumberPluginSo, OnlyThePluginAliasesAreExported) {
  boost::dll::shared_library lib(plugin_path());
  EXPECT_FALSE(lib.has("_ZN7shiming8idnumber5checkESt17basic_string_viewIcSt11char_traitsIcEERKNS0_7OptionsE"));
}

}  // namespace
