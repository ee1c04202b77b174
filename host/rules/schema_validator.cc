#include "rules/schema_validator.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <regex>

#include "common/dates.h"

namespace shiming::rules {
namespace {

using sdk::ConfigField;
using sdk::FieldType;
using Kind = SourceNode::Kind;

bool is_true(const std::string& s) { return s == "true" || s == "True" || s == "TRUE"; }
bool is_false(const std::string& s) { return s == "false" || s == "False" || s == "FALSE"; }

bool looks_integer(const std::string& s) {
  static const std::regex re("[-+]?[0-9]+");
  return std::regex_match(s, re);
}
bool looks_number(const std::string& s) {
  static const std::regex re("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  return std::regex_match(s, re);
}

// What a node is, for "expected X, found Y".
std::string describe(const SourceNode& n) {
  switch (n.kind) {
    case Kind::null: return "nothing (an empty value)";
    case Kind::map: return "a mapping";
    case Kind::sequence: return "a list";
    case Kind::scalar: break;
  }
  if (!n.quoted) {
    if (is_true(n.scalar) || is_false(n.scalar)) return "boolean " + n.scalar;
    if (looks_integer(n.scalar)) return "integer " + n.scalar;
    if (looks_number(n.scalar)) return "number " + n.scalar;
  }
  return "string '" + n.scalar + "'";
}

std::string type_name(const ConfigField& f) {
  switch (f.type) {
    case FieldType::boolean: return "a boolean (true or false)";
    case FieldType::integer: return "an integer";
    case FieldType::number: return "a number";
    case FieldType::string: return "a string";
    case FieldType::string_list: return "a list of strings";
    case FieldType::object: return "a mapping";
    case FieldType::list: return "a list";
    case FieldType::date: return "a date (YYYY-MM-DD)";
    case FieldType::datetime: return "a date-time with offset (YYYY-MM-DDTHH:MM:SS+08:00)";
    case FieldType::map: return "a mapping";
  }
  return "a value";
}

std::string join_path(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

std::string quoted_list(const std::vector<std::string>& values) {
  std::string s;
  for (const auto& v : values) s += (s.empty() ? "'" : ", '") + v + "'";
  return s;
}

std::string number_text(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  std::string s = std::to_string(v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  return s;
}

class Validator {
 public:
  explicit Validator(std::vector<Diagnostic>& out) : out_(out) {}

  void error(const Location& where, const std::string& path, std::string message) {
    out_.push_back(Diagnostic{where, std::move(message), path});
  }

  nlohmann::json field(const SourceNode& n, const ConfigField& f, const std::string& path) {
    switch (f.type) {
      case FieldType::boolean: return boolean(n, f, path);
      case FieldType::integer:
      case FieldType::number: return number(n, f, path);
      case FieldType::string: return string(n, f, path);
      case FieldType::string_list: return string_list(n, f, path);
      case FieldType::date: return date(n, f, path);
      case FieldType::datetime: return datetime(n, f, path);
      case FieldType::object: return object(n, f.fields, f.open, path);
      case FieldType::list: return list(n, f, path);
      case FieldType::map: return map(n, f, path);
    }
    return nullptr;
  }

  nlohmann::json object(const SourceNode& n, const std::vector<ConfigField>& fields, bool open,
                        const std::string& path) {
    nlohmann::json out = nlohmann::json::object();
    if (n.kind != Kind::map) {
      wrong_type(n, "a mapping", path);
      return out;
    }
    std::map<std::string, const MapEntry*> seen;
    for (const auto& e : n.entries) {
      std::string key_path = join_path(path, e.key);
      auto [it, fresh] = seen.emplace(e.key, &e);
      if (!fresh) {
        error(e.key_where, key_path,
              "duplicate key '" + e.key + "' (first defined at line " +
                  std::to_string(it->second->key_where.line) + ", column " +
                  std::to_string(it->second->key_where.column) + ")");
        continue;
      }
      const ConfigField* f = find_field(fields, e.key);
      if (!f) {
        if (open) {
          out[e.key] = any(*e.value);
          continue;
        }
        std::vector<std::string> names;
        for (const auto& c : fields) names.push_back(c.name);
        std::string msg = "unknown key '" + e.key + "'";
        if (!path.empty()) msg += " in '" + path + "'";
        std::string near = closest_name(e.key, names);
        if (!near.empty()) msg += "; did you mean '" + near + "'?";
        else if (!names.empty() && names.size() <= 12) msg += "; expected one of " + quoted_list(names);
        error(e.key_where, key_path, msg);
        continue;
      }
      if (e.value->kind == Kind::null && f->type != FieldType::object &&
          f->type != FieldType::map) {
        error(e.key_where, key_path,
              "'" + key_path + "' has no value: expected " + type_name(*f));
        continue;
      }
      if (e.value->kind == Kind::null) {
        // "key:" with nothing under it: an empty mapping.
        SourceNode empty;
        empty.kind = Kind::map;
        empty.where = e.key_where;
        out[e.key] = field(empty, *f, key_path);
        continue;
      }
      out[e.key] = field(*e.value, *f, key_path);
    }
    for (const auto& f : fields) {
      if (seen.count(f.name)) continue;
      if (f.required) {
        std::string msg = "missing required key '" + f.name + "'";
        if (!path.empty()) msg += " in '" + path + "'";
        error(n.where, join_path(path, f.name), msg);
        continue;
      }
      nlohmann::json d = default_of(f);
      if (!d.is_null()) out[f.name] = std::move(d);
    }
    return out;
  }

 private:
  static const ConfigField* find_field(const std::vector<ConfigField>& fields,
                                       const std::string& name) {
    for (const auto& f : fields) {
      if (f.name == name) return &f;
    }
    return nullptr;
  }

  static nlohmann::json default_of(const ConfigField& f) {
    if (!f.default_value.is_null()) return f.default_value;
    if (f.type == FieldType::object) {
      nlohmann::json o = nlohmann::json::object();
      for (const auto& c : f.fields) {
        if (c.required) continue;
        nlohmann::json d = default_of(c);
        if (!d.is_null()) o[c.name] = std::move(d);
      }
      return o;
    }
    return nullptr;
  }

  void wrong_type(const SourceNode& n, const std::string& expected, const std::string& path) {
    error(n.where, path,
          "wrong type for '" + path + "': expected " + expected + ", found " + describe(n));
  }

  bool scalar_or_error(const SourceNode& n, const ConfigField& f, const std::string& path) {
    if (n.kind == Kind::scalar) return true;
    wrong_type(n, type_name(f), path);
    return false;
  }

  nlohmann::json boolean(const SourceNode& n, const ConfigField& f, const std::string& path) {
    if (!scalar_or_error(n, f, path)) return nullptr;
    if (!n.quoted && is_true(n.scalar)) return true;
    if (!n.quoted && is_false(n.scalar)) return false;
    wrong_type(n, type_name(f), path);
    return nullptr;
  }

  nlohmann::json number(const SourceNode& n, const ConfigField& f, const std::string& path) {
    if (!scalar_or_error(n, f, path)) return nullptr;
    bool integer = f.type == FieldType::integer;
    if (n.quoted || !(integer ? looks_integer(n.scalar) : looks_number(n.scalar))) {
      wrong_type(n, type_name(f), path);
      return nullptr;
    }
    double v = 0;
    nlohmann::json out;
    if (integer) {
      long long i = 0;
      const char* begin = n.scalar.data() + (n.scalar[0] == '+' ? 1 : 0);
      auto r = std::from_chars(begin, n.scalar.data() + n.scalar.size(), i);
      if (r.ec != std::errc()) {
        error(n.where, path, "value " + n.scalar + " for '" + path + "' is too large");
        return nullptr;
      }
      v = static_cast<double>(i);
      out = i;
    } else {
      v = std::strtod(n.scalar.c_str(), nullptr);
      out = v;
    }
    if ((f.min && v < *f.min) || (f.max && v > *f.max)) {
      std::string range;
      if (f.min && f.max) range = "between " + number_text(*f.min) + " and " + number_text(*f.max);
      else if (f.min) range = "at least " + number_text(*f.min);
      else range = "at most " + number_text(*f.max);
      error(n.where, path,
            "value " + n.scalar + " for '" + path + "' is out of range: must be " + range);
      return nullptr;
    }
    return out;
  }

  bool check_allowed(const SourceNode& n, const ConfigField& f, const std::string& path) {
    if (f.allowed.empty()) return true;
    if (std::find(f.allowed.begin(), f.allowed.end(), n.scalar) != f.allowed.end()) return true;
    std::string msg = "value '" + n.scalar + "' is not allowed for '" + path + "'; allowed: " +
                      quoted_list(f.allowed);
    std::string near = closest_name(n.scalar, f.allowed);
    if (!near.empty()) msg += " (did you mean '" + near + "'?)";
    error(n.where, path, msg);
    return false;
  }

  nlohmann::json string(const SourceNode& n, const ConfigField& f, const std::string& path) {
    if (!scalar_or_error(n, f, path)) return nullptr;
    if (!check_allowed(n, f, path)) return nullptr;
    return n.scalar;
  }

  nlohmann::json string_list(const SourceNode& n, const ConfigField& f, const std::string& path) {
    if (n.kind != Kind::sequence) {
      wrong_type(n, type_name(f), path);
      return nullptr;
    }
    nlohmann::json out = nlohmann::json::array();
    for (std::size_t i = 0; i < n.items.size(); ++i) {
      const SourceNode& item = *n.items[i];
      std::string item_path = path + "[" + std::to_string(i) + "]";
      if (item.kind != Kind::scalar) {
        wrong_type(item, "a string", item_path);
        continue;
      }
      if (check_allowed(item, f, item_path)) out.push_back(item.scalar);
    }
    return out;
  }

  nlohmann::json date(const SourceNode& n, const ConfigField& f, const std::string& path) {
    if (!scalar_or_error(n, f, path)) return nullptr;
    if (!parse_date(n.scalar)) {
      error(n.where, path,
            "bad date '" + n.scalar + "' for '" + path +
                "': expected YYYY-MM-DD and a real calendar date");
      return nullptr;
    }
    return n.scalar;
  }

  nlohmann::json datetime(const SourceNode& n, const ConfigField& f, const std::string& path) {
    if (!scalar_or_error(n, f, path)) return nullptr;
    if (!parse_time(n.scalar)) {
      error(n.where, path,
            "bad date-time '" + n.scalar + "' for '" + path +
                "': expected YYYY-MM-DDTHH:MM[:SS] with an offset such as +08:00");
      return nullptr;
    }
    return n.scalar;
  }

  nlohmann::json list(const SourceNode& n, const ConfigField& f, const std::string& path) {
    if (n.kind != Kind::sequence) {
      wrong_type(n, type_name(f), path);
      return nullptr;
    }
    nlohmann::json out = nlohmann::json::array();
    for (std::size_t i = 0; i < n.items.size(); ++i) {
      std::string item_path = path + "[" + std::to_string(i) + "]";
      if (f.fields.empty()) out.push_back(any(*n.items[i]));
      else out.push_back(object(*n.items[i], f.fields, f.open, item_path));
    }
    return out;
  }

  nlohmann::json map(const SourceNode& n, const ConfigField& f, const std::string& path) {
    nlohmann::json out = nlohmann::json::object();
    if (n.kind != Kind::map) {
      wrong_type(n, type_name(f), path);
      return out;
    }
    std::map<std::string, const MapEntry*> seen;
    for (const auto& e : n.entries) {
      std::string key_path = join_path(path, e.key);
      auto [it, fresh] = seen.emplace(e.key, &e);
      if (!fresh) {
        error(e.key_where, key_path,
              "duplicate key '" + e.key + "' (first defined at line " +
                  std::to_string(it->second->key_where.line) + ", column " +
                  std::to_string(it->second->key_where.column) + ")");
        continue;
      }
      if (e.value->kind == Kind::null) {
        SourceNode empty;
        empty.kind = Kind::map;
        empty.where = e.key_where;
        out[e.key] = object(empty, f.fields, f.open, key_path);
      } else {
        out[e.key] = object(*e.value, f.fields, f.open, key_path);
      }
    }
    return out;
  }

  // Free content (open objects, lists without item fields): YAML types as JSON.
  nlohmann::json any(const SourceNode& n) {
    switch (n.kind) {
      case Kind::null: return nullptr;
      case Kind::sequence: {
        nlohmann::json a = nlohmann::json::array();
        for (const auto& i : n.items) a.push_back(any(*i));
        return a;
      }
      case Kind::map: {
        nlohmann::json o = nlohmann::json::object();
        for (const auto& e : n.entries) o[e.key] = any(*e.value);
        return o;
      }
      case Kind::scalar: break;
    }
    if (n.quoted) return n.scalar;
    if (is_true(n.scalar)) return true;
    if (is_false(n.scalar)) return false;
    if (looks_integer(n.scalar)) {
      long long i = 0;
      const char* begin = n.scalar.data() + (n.scalar[0] == '+' ? 1 : 0);
      if (std::from_chars(begin, n.scalar.data() + n.scalar.size(), i).ec == std::errc()) return i;
    }
    if (looks_number(n.scalar)) return std::strtod(n.scalar.c_str(), nullptr);
    return n.scalar;
  }

  std::vector<Diagnostic>& out_;
};

}  // namespace

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string closest_name(const std::string& wrong, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = 0;
  for (const auto& c : candidates) {
    std::size_t d = edit_distance(wrong, c);
    if (best.empty() || d < best_d) {
      best = c;
      best_d = d;
    }
  }
  if (best.empty()) return {};
  std::size_t limit = std::max<std::size_t>(2, (std::max(wrong.size(), best.size()) + 2) / 3);
  if (best_d > limit || best_d >= std::max(wrong.size(), best.size())) return {};
  return best;
}

nlohmann::json validate_field(const SourceNode& node, const sdk::ConfigField& field,
                              const std::string& path, std::vector<Diagnostic>& out) {
  Validator v(out);
  return v.field(node, field, path);
}

ValidationResult validate(const SourceNode& node, const sdk::ConfigSchema& schema,
                          const std::string& path_prefix) {
  ValidationResult r;
  Validator v(r.diagnostics);
  if (node.kind == Kind::null) {
    SourceNode empty;  // an empty document validates as an empty mapping
    empty.kind = Kind::map;
    empty.where = node.where;
    r.value = v.object(empty, schema.fields, false, path_prefix);
  } else {
    r.value = v.object(node, schema.fields, false, path_prefix);
  }
  return r;
}

ValidationResult validate(const YAML::Node& node, const sdk::ConfigSchema& schema,
                          const std::string& file, const std::string& path_prefix) {
  SourceNodePtr tree = from_yaml(node, file);
  return validate(*tree, schema, path_prefix);
}

}  // namespace shiming::rules
