#pragma once
// Internal to the rules loader: the checks a schema cannot express (plugins
// named by the rules, date ranges, ordering) and the typed build.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "rules/diagnostic.h"
#include "rules/province_rules.h"
#include "rules/rules_loader.h"
#include "rules/source_node.h"

namespace shiming::rules {

// Checks the merged province document `merged` whose schema-validated value
// is `doc`; validates enabled channels' settings and pipeline params against
// the plugins' rules schemas and stores the validated values in `doc`.
void check_province(const SourceNode& merged, nlohmann::json& doc, const PluginLookup& plugins,
                    std::vector<Diagnostic>& out);

// "2026-10-01" or "2026-10-01..2026-10-07" -> [first, last].
std::optional<std::pair<Date, Date>> parse_day_span(const std::string& text);

// REQUIRES: `doc` passed validation and check_province without diagnostics.
ProvinceRules build_province(const nlohmann::json& doc, const std::string& file);

}  // namespace shiming::rules
