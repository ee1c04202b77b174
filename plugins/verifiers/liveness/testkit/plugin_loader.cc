#include "plugin_loader.h"

#include <stdexcept>

namespace shiming::face::testkit {

std::unique_ptr<LoadedPlugin> load_plugin(const std::string& plugin_dir, const std::string& name,
                                          const nlohmann::json& config, sdk::Host& host) {
  auto out = std::make_unique<LoadedPlugin>();
  out->library = std::make_shared<boost::dll::shared_library>(plugin_dir + "/lib" + name + ".so");
  auto schemas = out->library->get_alias<sdk::Result<sdk::PluginSchemas>()>("shiming_plugin_schemas")();
  if (!schemas) throw std::runtime_error(schemas.error().message);
  out->schemas = *schemas;
  nlohmann::json filled = with_defaults(out->schemas.config, config);
  sdk::PluginInit init{filled, host};
  auto created = out->library->get_alias<sdk::PluginCreateResult(const sdk::PluginInit&)>("shiming_plugin_create")(init);
  if (!created) throw std::runtime_error(created.error().code + ": " + created.error().message);
  out->object = std::move(*created);
  return out;
}

nlohmann::json with_defaults(const sdk::ConfigSchema& schema, nlohmann::json values) {
  for (const auto& f : schema.fields) {
    if (!values.contains(f.name) && !f.default_value.is_null()) values[f.name] = f.default_value;
  }
  return values;
}

}  // namespace shiming::face::testkit
