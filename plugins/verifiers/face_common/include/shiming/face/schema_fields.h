#pragma once
// Short constructors for the config/rules fields the face plugins declare.
#include <optional>
#include <string>
#include <vector>

#include "shiming/sdk/config_schema.h"

namespace shiming::face {

inline sdk::ConfigField number_field(std::string name, double def, double min, double max, std::string doc) {
  sdk::ConfigField f;
  f.name = std::move(name);
  f.type = sdk::FieldType::number;
  f.default_value = def;
  f.min = min;
  f.max = max;
  f.doc = std::move(doc);
  return f;
}

inline sdk::ConfigField integer_field(std::string name, long def, double min, double max, std::string doc) {
  sdk::ConfigField f = number_field(std::move(name), 0, min, max, std::move(doc));
  f.type = sdk::FieldType::integer;
  f.default_value = def;
  return f;
}

inline sdk::ConfigField bool_field(std::string name, bool def, std::string doc) {
  sdk::ConfigField f;
  f.name = std::move(name);
  f.type = sdk::FieldType::boolean;
  f.default_value = def;
  f.doc = std::move(doc);
  return f;
}

inline sdk::ConfigField string_field(std::string name, std::string def, std::vector<std::string> allowed,
                                     std::string doc) {
  sdk::ConfigField f;
  f.name = std::move(name);
  f.type = sdk::FieldType::string;
  f.default_value = std::move(def);
  f.allowed = std::move(allowed);
  f.doc = std::move(doc);
  return f;
}

inline sdk::ConfigField string_list_field(std::string name, std::vector<std::string> def,
                                          std::vector<std::string> allowed, std::string doc) {
  sdk::ConfigField f;
  f.name = std::move(name);
  f.type = sdk::FieldType::string_list;
  f.default_value = def;
  f.allowed = std::move(allowed);
  f.doc = std::move(doc);
  return f;
}

}  // namespace shiming::face
