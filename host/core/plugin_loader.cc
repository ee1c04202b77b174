#include "core/plugin_loader.h"

#include <filesystem>
#include <system_error>

#include <boost/dll/shared_library.hpp>

namespace shiming {
namespace {

sdk::Error load_error(const std::string& file, const std::string& what) {
  return sdk::Error{"PLUGIN_LOAD_FAILED", "plugin " + file + ": " + what,
                    "插件 " + file + " 加载失败：" + what, ""};
}

}  // namespace

sdk::Notifier* plugin_notifier(const PluginLibrary& lib, sdk::PluginObject* object) {
  if (lib.kind != "notifier" || !lib.library || !lib.library->has("shiming_plugin_notifier")) return nullptr;
  using NotifierFn = sdk::Notifier*(sdk::PluginObject*) noexcept;
  return lib.library->get_alias<NotifierFn>("shiming_plugin_notifier")(object);
}

std::string plugin_file(const std::string& dir, const std::string& name) {
  return (std::filesystem::path(dir) / ("lib" + name + ".so")).string();
}

sdk::Result<PluginLibrary> open_plugin(const std::string& file) {
  std::error_code fs_ec;
  if (!std::filesystem::exists(file, fs_ec)) return load_error(file, "file not found");

  auto lib = std::make_shared<boost::dll::shared_library>();
  boost::dll::fs::error_code ec;
  lib->load(file, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, ec);
  if (ec) {
    // dlerror() text is more useful than the generic error code message.
    return load_error(file, ec.message());
  }
  if (!lib->has("shiming_plugin_abi") || !lib->has("shiming_plugin_create") ||
      !lib->has("shiming_plugin_schemas")) {
    return load_error(file, "not a shiming plugin (missing SHIMING_PLUGIN exports)");
  }
  using AbiFn = const ShimingPluginAbi*() noexcept;
  const ShimingPluginAbi* abi = lib->get_alias<AbiFn>("shiming_plugin_abi")();
  if (abi == nullptr || abi->struct_size < sizeof(std::uint32_t) * 3) {
    return load_error(file, "invalid ABI block");
  }
  if (abi->sdk_major != sdk::kSdkMajor) {
    return sdk::Error{"PLUGIN_SDK_MISMATCH",
                      "plugin " + file + " was built for SDK " + std::to_string(abi->sdk_major) +
                          "." + std::to_string(abi->sdk_minor) + ", this host has SDK " +
                          std::to_string(sdk::kSdkMajor) + "." + std::to_string(sdk::kSdkMinor),
                      "插件 " + file + " 基于 SDK " + std::to_string(abi->sdk_major) + "." +
                          std::to_string(abi->sdk_minor) + " 构建，与本服务的 SDK " +
                          std::to_string(sdk::kSdkMajor) + "." + std::to_string(sdk::kSdkMinor) +
                          " 不兼容",
                      ""};
  }
  if (abi->sdk_minor > sdk::kSdkMinor) {
    return load_error(file, "built for a newer SDK minor version " + std::to_string(abi->sdk_major) +
                                "." + std::to_string(abi->sdk_minor) + " than this host's " +
                                std::to_string(sdk::kSdkMajor) + "." + std::to_string(sdk::kSdkMinor));
  }
  if (abi->struct_size < sizeof(ShimingPluginAbi) || !abi->name || !abi->version || !abi->kind) {
    return load_error(file, "incomplete ABI block");
  }
  PluginLibrary out;
  out.file = file;
  out.name = abi->name;
  out.version = abi->version;
  out.kind = abi->kind;
  out.description = abi->description ? abi->description : "";
  out.sdk_major = abi->sdk_major;
  out.sdk_minor = abi->sdk_minor;
  if (out.kind == "notifier" && (abi->sdk_minor < 2 || !lib->has("shiming_plugin_notifier"))) {
    return load_error(file, "a notifier plugin needs SDK 1.2 or later");
  }
  if (out.kind != "verifier" && out.kind != "channel" && out.kind != "notifier") {
    return load_error(file, "unknown plugin kind '" + out.kind + "'");
  }
  using SchemasFn = sdk::Result<sdk::PluginSchemas>() noexcept;
  auto schemas = lib->get_alias<SchemasFn>("shiming_plugin_schemas")();
  if (!schemas) return load_error(file, schemas.error().message);
  out.schemas = std::move(schemas.value());
  out.library = std::move(lib);
  return out;
}

sdk::Result<std::shared_ptr<sdk::PluginObject>> create_plugin(const PluginLibrary& lib,
                                                              const nlohmann::json& config,
                                                              sdk::Host& host) {
  using CreateFn = sdk::PluginCreateResult(const sdk::PluginInit&) noexcept;
  sdk::PluginInit init{config, host};
  auto created = lib.library->get_alias<CreateFn>("shiming_plugin_create")(init);
  if (!created) {
    auto e = created.error();
    e.message = "plugin " + lib.name + " (" + lib.file + "): " + e.message;
    e.message_zh = "插件 " + lib.name + "：" + e.message_zh;
    return e;
  }
  std::unique_ptr<sdk::PluginObject> raw = std::move(created.value());
  if (!raw) return load_error(lib.file, "factory returned no object");
  bool kind_ok = (lib.kind == "verifier" && raw->as_verifier() != nullptr) ||
                 (lib.kind == "channel" && raw->as_channel() != nullptr) ||
                 (lib.kind == "notifier" && plugin_notifier(lib, raw.get()) != nullptr);
  if (!kind_ok) return load_error(lib.file, "object does not implement its declared kind");
  auto keep = lib.library;
  return std::shared_ptr<sdk::PluginObject>(raw.release(), [keep](sdk::PluginObject* p) {
    delete p;  // runs the plugin's destructor while `keep` holds the library loaded
  });
}

}  // namespace shiming
