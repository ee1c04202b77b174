#pragma once
// Loads config/provinces/: defaults.yaml plus one <code>.yaml per province.
// Each province file is deep-merged over defaults.yaml (maps merge, lists
// replace), validated against the province schema, then every enabled
// channel's settings and every pipeline step's params are validated against
// the schema of the plugin named there. All errors of all files are reported.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "rules/diagnostic.h"
#include "rules/province_rules.h"
#include "rules/rules_snapshot.h"
#include "rules/source_node.h"
#include "shiming/sdk/plugin.h"
#include "shiming/sdk/result.h"

namespace shiming::rules {

struct PluginInfo {
  std::string kind;  // "verifier" | "channel"
  sdk::PluginSchemas schemas;
};
// The loaded plugin with this name, or nullptr when it is not loaded.
using PluginLookup = std::function<const PluginInfo*(const std::string&)>;

// The static part of the province schema (params/settings are open objects
// here; they are checked against plugin schemas afterwards).
const sdk::ConfigSchema& province_schema();

// Every *.yaml in `dir` except defaults.yaml is a province; the file name
// (without .yaml) must equal its `code`. Error RULES_INVALID lists all
// diagnostics; they are also appended to `out`. `generation` is recorded in
// the snapshot.
sdk::Result<std::shared_ptr<const RulesSnapshot>> load_rules(const std::string& dir,
                                                             const PluginLookup& plugins,
                                                             std::vector<Diagnostic>& out,
                                                             std::uint64_t generation = 1);

struct LoadedProvince {
  ProvinceRules rules;
  nlohmann::json effective;
};

// One province document (already parsed; `defaults` may be null).
sdk::Result<LoadedProvince> load_province(const SourceNodePtr& defaults,
                                          const SourceNodePtr& province,
                                          const PluginLookup& plugins,
                                          std::vector<Diagnostic>& out);

// One province file with the defaults.yaml beside it (if any).
sdk::Result<LoadedProvince> load_province_file(const std::string& path,
                                               const PluginLookup& plugins,
                                               std::vector<Diagnostic>& out);

}  // namespace shiming::rules
