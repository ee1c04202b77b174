#pragma once
// The one header a plugin's main file includes, and the export macro.
//
//   class MyVerifier : public shiming::sdk::VerifierBase {
//    public:
//     explicit MyVerifier(const shiming::sdk::PluginInit& init);
//     static shiming::sdk::ConfigSchema config_schema();  // host.yaml plugins.<name>
//     static shiming::sdk::ConfigSchema rules_schema();   // per-province step params / channel settings
//     ...
//   };
//   SHIMING_PLUGIN("verifier", "my_verifier", "1.0.0", "What it checks", MyVerifier)
//
// Kinds: "verifier", "channel", "notifier" (SDK 1.2, see notifier.h). Since 1.2 the
// macro also exports shiming_plugin_notifier; a 1.1 plugin without it still loads.
#include <cstdint>
#include <exception>
#include <memory>
#include <string>

#include <boost/dll/alias.hpp>
#include <nlohmann/json.hpp>

#include "shiming/sdk/channel.h"
#include "shiming/sdk/config_schema.h"
#include "shiming/sdk/notifier.h"
#include "shiming/sdk/pii.h"
#include "shiming/sdk/plugin_object.h"
#include "shiming/sdk/result.h"
#include "shiming/sdk/services.h"
#include "shiming/sdk/verifier.h"
#include "shiming/sdk/version.h"

// Plain data, read by the host before any C++ object crosses the boundary.
extern "C" struct ShimingPluginAbi {
  std::uint32_t struct_size;
  std::uint32_t sdk_major;
  std::uint32_t sdk_minor;
  const char* name;
  const char* version;
  const char* kind;  // "verifier" | "channel" | "notifier" (SDK 1.2)
  const char* description;
};

namespace shiming::sdk {

struct PluginInit {
  const nlohmann::json& config;  // validated against config_schema(), defaults filled in
  Host& host;
};

struct PluginSchemas {
  ConfigSchema config;  // the plugin's own section in host.yaml
  ConfigSchema rules;   // verifier: step params; channel: the province's channel settings
};

using PluginCreateResult = Result<std::unique_ptr<PluginObject>>;

}  // namespace shiming::sdk

#define SHIMING_PLUGIN(KIND, NAME, VERSION, DESCRIPTION, CLASS)                                \
  namespace shiming_plugin_exports {                                                           \
  static const ::ShimingPluginAbi kAbi{sizeof(::ShimingPluginAbi), SHIMING_SDK_VERSION_MAJOR,   \
                                       SHIMING_SDK_VERSION_MINOR,  NAME,                        \
                                       VERSION,                    KIND,                        \
                                       DESCRIPTION};                                            \
  const ::ShimingPluginAbi* abi() noexcept { return &kAbi; }                                    \
  ::shiming::sdk::Result<::shiming::sdk::PluginSchemas> schemas() noexcept {                   \
    try {                                                                                      \
      return ::shiming::sdk::PluginSchemas{CLASS::config_schema(), CLASS::rules_schema()};     \
    } catch (const std::exception& e) {                                                        \
      return ::shiming::sdk::Error{"PLUGIN_SCHEMA_FAILED", e.what(), "插件配置定义错误", ""};   \
    }                                                                                          \
  }                                                                                            \
  ::shiming::sdk::PluginCreateResult create(const ::shiming::sdk::PluginInit& init) noexcept { \
    try {                                                                                      \
      return ::shiming::sdk::PluginCreateResult(                                               \
          std::unique_ptr<::shiming::sdk::PluginObject>(new CLASS(init)));                     \
    } catch (const std::exception& e) {                                                        \
      return ::shiming::sdk::Error{"PLUGIN_INIT_FAILED", e.what(), "插件初始化失败", ""};       \
    } catch (...) {                                                                            \
      return ::shiming::sdk::Error{"PLUGIN_INIT_FAILED", "unknown exception",                  \
                                   "插件初始化失败", ""};                                       \
    }                                                                                          \
  }                                                                                            \
  ::shiming::sdk::Notifier* notifier(::shiming::sdk::PluginObject* object) noexcept {          \
    return ::shiming::sdk::detail::notifier_of<CLASS>(object);                                 \
  }                                                                                            \
  }                                                                                            \
  BOOST_DLL_ALIAS(shiming_plugin_exports::abi, shiming_plugin_abi)                              \
  BOOST_DLL_ALIAS(shiming_plugin_exports::schemas, shiming_plugin_schemas)                      \
  BOOST_DLL_ALIAS(shiming_plugin_exports::create, shiming_plugin_create)                        \
  BOOST_DLL_ALIAS(shiming_plugin_exports::notifier, shiming_plugin_notifier)
