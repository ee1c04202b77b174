#pragma once
// A YAML document as a plain tree whose every node remembers the file, line
// and column it came from. Province files inherit defaults.yaml by a deep
// merge; after the merge each node still points at the file that defined it,
// so a diagnostic names the right file.
#include <memory>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "rules/diagnostic.h"

namespace shiming::rules {

struct SourceNode;

struct MapEntry {
  std::string key;
  Location key_where;
  std::shared_ptr<const SourceNode> value;
};

struct SourceNode {
  enum class Kind { null, scalar, map, sequence };
  Kind kind = Kind::null;
  std::string scalar;   // scalar text as written (without quotes)
  bool quoted = false;  // quoted or explicitly tagged !!str: always a string
  Location where;
  std::vector<MapEntry> entries;                         // map, in document order (duplicates kept)
  std::vector<std::shared_ptr<const SourceNode>> items;  // sequence

  // The first entry with this key, or nullptr.
  const SourceNode* find(const std::string& key) const;
  const MapEntry* find_entry(const std::string& key) const;
};

using SourceNodePtr = std::shared_ptr<const SourceNode>;

// Converts a parsed yaml-cpp node; `file` is recorded in every location.
SourceNodePtr from_yaml(const YAML::Node& node, const std::string& file);

// Reads and parses a YAML file. Syntax errors and unreadable files become
// diagnostics (with the parser's position) and a null result.
SourceNodePtr load_yaml_file(const std::string& path, std::vector<Diagnostic>& out);
// Same for text held in memory (`file` names it in diagnostics).
SourceNodePtr load_yaml_text(const std::string& text, const std::string& file,
                             std::vector<Diagnostic>& out);

// Deep merge: maps merge key by key (the overlay wins), anything else
// (scalars, lists) in the overlay replaces the base. Nodes keep their origin.
SourceNodePtr deep_merge(const SourceNodePtr& base, const SourceNodePtr& overlay);

}  // namespace shiming::rules
