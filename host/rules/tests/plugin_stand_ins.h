#pragma once
// Stand-ins for plugin schemas in the rules tests only: the real plugins are
// tested with their own .so files elsewhere. Each mirrors the shape of the
// plugin's rules schema closely enough to exercise the loader.
#include <map>
#include <string>

#include "rules/rules_loader.h"

namespace shiming::rules::testing {

inline sdk::ConfigField int_field(const char* name, int def, int min, int max) {
  return sdk::ConfigField{.name = name, .type = sdk::FieldType::integer, .default_value = def,
                          .min = double(min), .max = double(max)};
}
inline sdk::ConfigField bool_field(const char* name, bool def) {
  return sdk::ConfigField{.name = name, .type = sdk::FieldType::boolean, .default_value = def};
}

inline PluginInfo id_number_stand_in() {
  PluginInfo p{.kind = "verifier"};
  p.schemas.rules.fields = {
      int_field("min_age", 0, 0, 150), int_field("max_age", 150, 0, 150),
      sdk::ConfigField{.name = "unknown_region", .type = sdk::FieldType::string,
                       .default_value = "warn", .allowed = {"warn", "review"}}};
  return p;
}

inline PluginInfo online_stand_in() {
  PluginInfo p{.kind = "channel"};
  p.schemas.rules.fields = {int_field("max_upload_bytes", 8 << 20, 64 * 1024, 64 << 20),
                            int_field("max_pixels", 40'000'000, 100'000, 200'000'000),
                            int_field("max_video_bytes", 8 << 20, 1 << 20, 256 << 20),
                            bool_field("face_required", false), bool_field("liveness_required", false)};
  return p;
}

inline PluginInfo window_stand_in() {
  PluginInfo p{.kind = "channel"};
  sdk::ConfigField offices{.name = "offices", .type = sdk::FieldType::list, .required = true};
  offices.fields = {
      sdk::ConfigField{.name = "id", .type = sdk::FieldType::string, .required = true},
      sdk::ConfigField{.name = "name", .type = sdk::FieldType::string, .required = true},
      sdk::ConfigField{.name = "name_en", .type = sdk::FieldType::string},
      sdk::ConfigField{.name = "address", .type = sdk::FieldType::string, .required = true},
      sdk::ConfigField{.name = "address_en", .type = sdk::FieldType::string},
      sdk::ConfigField{.name = "opening_hours", .type = sdk::FieldType::string},
      sdk::ConfigField{.name = "opening_hours_en", .type = sdk::FieldType::string},
      int_field("daily_capacity", 100, 1, 10000)};
  p.schemas.rules.fields = {
      offices, sdk::ConfigField{.name = "required_originals", .type = sdk::FieldType::string_list,
                                .default_value = nlohmann::json::array({"id_card"}),
                                .allowed = {"id_card", "diploma", "passport", "work_certificate"}}};
  return p;
}

// A lookup over a fixed set of plugins.
class StandInPlugins {
 public:
  StandInPlugins& add(const std::string& name, PluginInfo info) {
    plugins_[name] = std::move(info);
    return *this;
  }
  PluginLookup lookup() const {
    return [this](const std::string& name) -> const PluginInfo* {
      auto it = plugins_.find(name);
      return it == plugins_.end() ? nullptr : &it->second;
    };
  }

 private:
  std::map<std::string, PluginInfo> plugins_;
};

// The plugins config/host.yaml lists today.
inline StandInPlugins sample_plugins() {
  StandInPlugins p;
  p.add("id_number", id_number_stand_in()).add("online", online_stand_in());
  return p;
}

}  // namespace shiming::rules::testing
