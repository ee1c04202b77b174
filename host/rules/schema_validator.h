#pragma once
// The one validation engine for every configuration document: host.yaml,
// province rules, and each plugin's config and rules sections, all described
// with sdk::ConfigSchema.
//
// Semantics of the schema beyond config_schema.h:
//  - object: keys not in `fields` are refused ("unknown key ... did you mean")
//    unless `open`; with `open`, listed fields are still validated.
//  - list: items are objects described by `fields`; with no `fields`, any items.
//  - map: any keys; each value is an object described by `fields`
//    (`open` applies to those value objects).
//  - string: any plain or quoted scalar; `allowed` restricts the values.
//  - integer/number: plain scalars only ("8080" in quotes is a string).
//  - boolean: true/false only (not yes/no/on/off).
//  - a key written twice in one mapping is an error.
//  - defaults: a missing optional field gets `default_value` when that is not
//    null; a missing optional object gets its own fields' defaults.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "rules/diagnostic.h"
#include "rules/source_node.h"
#include "shiming/sdk/config_schema.h"

namespace shiming::rules {

struct ValidationResult {
  nlohmann::json value = nlohmann::json::object();  // defaults filled in
  std::vector<Diagnostic> diagnostics;              // all of them, in document order
  bool ok() const { return diagnostics.empty(); }
};

// `path_prefix` is prepended to paths in diagnostics (e.g. "plugins.id_number.config").
ValidationResult validate(const YAML::Node& node, const sdk::ConfigSchema& schema,
                          const std::string& file, const std::string& path_prefix = {});
ValidationResult validate(const SourceNode& node, const sdk::ConfigSchema& schema,
                          const std::string& path_prefix = {});

// Validates one value against one field description (used for nested checks).
nlohmann::json validate_field(const SourceNode& node, const sdk::ConfigField& field,
                              const std::string& path, std::vector<Diagnostic>& out);

// Levenshtein distance and the closest candidate within a sensible distance
// ("" when nothing is close).
std::size_t edit_distance(const std::string& a, const std::string& b);
std::string closest_name(const std::string& wrong, const std::vector<std::string>& candidates);

}  // namespace shiming::rules
