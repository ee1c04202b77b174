// Plugins for the loader tests of SDK 1.2's notifier kind, one source built
// with a different NOTIFIER_PLUGIN_VARIANT each:
//   0  a notifier (SDK 1.2)
//   1  a verifier built against SDK 1.1: its ABI block says 1.1 and it exports
//      only the three aliases the 1.1 macro exported (no shiming_plugin_notifier)
//   2  declares kind "notifier" but its class is a verifier
#include "shiming/sdk/plugin.h"

namespace {
using namespace shiming::sdk;

class CountingNotifier : public NotifierBase {
 public:
  explicit CountingNotifier(const PluginInit&) {}
  static ConfigSchema config_schema() { return {}; }
  static ConfigSchema rules_schema() { return {}; }

 protected:
  NotifyResult run(const Notification& n) override {
    if (n.email.empty()) return NotifyResult::skipped("NO_EMAIL", "no address");
    if (n.email == "throw@example.cn") throw std::runtime_error("boom");
    return NotifyResult::sent();
  }
};

class PlainVerifier : public VerifierBase {
 public:
  explicit PlainVerifier(const PluginInit&) {}
  static ConfigSchema config_schema() { return {}; }
  static ConfigSchema rules_schema() { return {}; }
  std::vector<std::string> evidence_needed() const override { return {}; }

 protected:
  Finding run(VerificationContext&) override { return Finding::passed(); }
};
}  // namespace

#if NOTIFIER_PLUGIN_VARIANT == 0
SHIMING_PLUGIN("notifier", "test_notifier", "0.0.1", "loader test notifier", CountingNotifier)
#elif NOTIFIER_PLUGIN_VARIANT == 1
// What SHIMING_PLUGIN expanded to in SDK 1.1.
namespace shiming_plugin_exports {
static const ::ShimingPluginAbi kAbi{sizeof(::ShimingPluginAbi), 1, 1, "test_sdk11", "1.1.0", "verifier",
                                     "built against SDK 1.1"};
const ::ShimingPluginAbi* abi() noexcept { return &kAbi; }
::shiming::sdk::Result<::shiming::sdk::PluginSchemas> schemas() noexcept {
  return ::shiming::sdk::PluginSchemas{PlainVerifier::config_schema(), PlainVerifier::rules_schema()};
}
::shiming::sdk::PluginCreateResult create(const ::shiming::sdk::PluginInit& init) noexcept {
  try {
    return ::shiming::sdk::PluginCreateResult(std::unique_ptr<::shiming::sdk::PluginObject>(new PlainVerifier(init)));
  } catch (...) {
    return ::shiming::sdk::Error{"PLUGIN_INIT_FAILED", "unknown exception", "插件初始化失败", ""};
  }
}
}  // namespace shiming_plugin_exports
BOOST_DLL_ALIAS(shiming_plugin_exports::abi, shiming_plugin_abi)
BOOST_DLL_ALIAS(shiming_plugin_exports::schemas, shiming_plugin_schemas)
BOOST_DLL_ALIAS(shiming_plugin_exports::create, shiming_plugin_create)
#else
SHIMING_PLUGIN("notifier", "test_fake_notifier", "0.0.1", "claims to notify", PlainVerifier)
#endif
