#pragma once
// Loads a real plugin .so from the build's plugin folder, as the host does.
#include <memory>
#include <string>

#include <boost/dll/shared_library.hpp>
#include <nlohmann/json.hpp>

#include "shiming/sdk/plugin.h"

namespace shiming::face::testkit {

struct LoadedPlugin {
  std::shared_ptr<boost::dll::shared_library> library;
  std::unique_ptr<sdk::PluginObject> object;  // destroyed before the library
  sdk::PluginSchemas schemas;
  ~LoadedPlugin() { object.reset(); }
};

// Throws std::runtime_error with the plugin's error when loading fails.
std::unique_ptr<LoadedPlugin> load_plugin(const std::string& plugin_dir, const std::string& name,
                                          const nlohmann::json& config, sdk::Host& host);

// Fills a config or rules object with the schema's defaults (what the host does).
nlohmann::json with_defaults(const sdk::ConfigSchema& schema, nlohmann::json values = nlohmann::json::object());

}  // namespace shiming::face::testkit
