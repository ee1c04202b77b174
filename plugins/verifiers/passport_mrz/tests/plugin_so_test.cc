// Loads the real libpassport_mrz.so through Boost.DLL, as the host does, and runs it.
#include <boost/dll/import.hpp>
#include <boost/dll/shared_library.hpp>

#include "verifier_fixture.h"

namespace {

using namespace shiming;

std::string plugin_path() { return std::string(SHIMING_PLUGIN_DIR) + "/libpassport_mrz.so"; }

TEST(PassportMrzPluginSo, ExportsAndVerifies) {
  auto lib = std::make_shared<boost::dll::shared_library>(plugin_path());
  auto& abi_fn = lib->get_alias<const ShimingPluginAbi*()>("shiming_plugin_abi");
  const ShimingPluginAbi* abi = abi_fn();
  EXPECT_STREQ(abi->name, "passport_mrz");
  EXPECT_STREQ(abi->kind, "verifier");
  EXPECT_EQ(abi->sdk_major, SHIMING_SDK_VERSION_MAJOR);
  auto& schemas_fn = lib->get_alias<sdk::Result<sdk::PluginSchemas>()>("shiming_plugin_schemas");
  auto schemas = schemas_fn();
  ASSERT_TRUE(schemas.ok());
  EXPECT_EQ(schemas->rules.fields.size(), 6u);

  auto& create = lib->get_alias<sdk::PluginCreateResult(const sdk::PluginInit&)>("shiming_plugin_create");
  sdk::testing::FakeHost host;
  nlohmann::json config = nlohmann::json::object();
  auto created = create(sdk::PluginInit{config, host});
  ASSERT_TRUE(created.ok()) << created.error().message;
  std::shared_ptr<sdk::PluginObject> obj(created->release(), [lib](sdk::PluginObject* p) { delete p; });
  sdk::Verifier* v = obj->as_verifier();
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->evidence_needed(), std::vector<std::string>{"passport"});

  const auto& s = mrz::testing::confident_sample();
  ASSERT_FALSE(s.jpeg.empty());
  sdk::testing::FakeVerificationContext ctx;
  mrz::testing::declare(ctx, s);
  auto f = v->verify(ctx);
  EXPECT_EQ(f.outcome, sdk::Outcome::pass) << (f.reasons.empty() ? "" : f.reasons[0].code);
  ctx.subject_.exam_date = "2099-01-01";
  f = v->verify(ctx);
  EXPECT_EQ(f.outcome, sdk::Outcome::fail);
  ASSERT_FALSE(f.reasons.empty());
  EXPECT_EQ(f.reasons[0].code, "PASSPORT_EXPIRED");
}

}  // namespace
