#pragma once
// Typed configuration declared by each plugin. The host validates the YAML
// against the schema (unknown keys refused with the nearest valid name,
// wrong types and missing keys reported with file:line:column) before any
// plugin code sees it; the plugin receives the validated values as JSON,
// with defaults filled in.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace shiming::sdk {

// New kinds go at the end (plugins built against older headers keep their values).
//   date:     "YYYY-MM-DD", a real calendar date (JSON: the same string)
//   datetime: ISO 8601 with an explicit offset, "2026-03-01T09:00:00+08:00"
//   map:      free keys; every value is an object described by `fields`
//             (JSON: an object keyed by the YAML keys)
enum class FieldType { boolean, integer, number, string, string_list, object, list, date, datetime, map };

struct ConfigField {
  std::string name;
  FieldType type = FieldType::string;
  bool required = false;
  nlohmann::json default_value;         // used when absent and not required
  std::optional<double> min;            // integer/number bounds
  std::optional<double> max;
  std::vector<std::string> allowed;     // for strings / string lists: the allowed values
  std::string doc;
  std::vector<ConfigField> fields;      // for object, or the items of a list of objects
  bool open = false;                    // object: accept keys not listed (a free map)
};

struct ConfigSchema {
  std::vector<ConfigField> fields;
};

}  // namespace shiming::sdk
