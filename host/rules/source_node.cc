#include "rules/source_node.h"

#include <fstream>
#include <sstream>

namespace shiming::rules {
namespace {

Location location_of(const YAML::Mark& mark, const std::string& file) {
  if (mark.is_null()) return Location{file, 0, 0};
  return Location{file, mark.line + 1, mark.column + 1};
}

}  // namespace

const SourceNode* SourceNode::find(const std::string& key) const {
  const MapEntry* e = find_entry(key);
  return e ? e->value.get() : nullptr;
}

const MapEntry* SourceNode::find_entry(const std::string& key) const {
  for (const auto& e : entries) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

SourceNodePtr from_yaml(const YAML::Node& node, const std::string& file) {
  auto out = std::make_shared<SourceNode>();
  out->where = location_of(node.Mark(), file);
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      out->kind = SourceNode::Kind::scalar;
      out->scalar = node.Scalar();
      // yaml-cpp tags plain scalars "?" and quoted ones "!".
      out->quoted = node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str";
      break;
    case YAML::NodeType::Sequence:
      out->kind = SourceNode::Kind::sequence;
      for (const auto& item : node) out->items.push_back(from_yaml(item, file));
      break;
    case YAML::NodeType::Map:
      out->kind = SourceNode::Kind::map;
      for (auto it = node.begin(); it != node.end(); ++it) {
        MapEntry e;
        e.key = it->first.IsScalar() ? it->first.Scalar() : std::string("<complex key>");
        e.key_where = location_of(it->first.Mark(), file);
        auto value = from_yaml(it->second, file);
        // A null value ("key:" with nothing after it) has no useful mark of its own.
        if (value->kind == SourceNode::Kind::null) {
          auto fixed = std::make_shared<SourceNode>(*value);
          fixed->where = e.key_where;
          value = fixed;
        }
        e.value = std::move(value);
        out->entries.push_back(std::move(e));
      }
      break;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      out->kind = SourceNode::Kind::null;
      break;
  }
  return out;
}

SourceNodePtr load_yaml_text(const std::string& text, const std::string& file,
                             std::vector<Diagnostic>& out) {
  try {
    YAML::Node node = YAML::Load(text);
    auto result = from_yaml(node, file);
    if (result->kind == SourceNode::Kind::null) {  // an empty document
      auto empty = std::make_shared<SourceNode>(*result);
      empty->where = Location{file, 1, 1};
      return empty;
    }
    return result;
  } catch (const YAML::Exception& e) {
    out.push_back(Diagnostic{location_of(e.mark, file), "YAML syntax error: " + e.msg, ""});
    return nullptr;
  }
}

SourceNodePtr load_yaml_file(const std::string& path, std::vector<Diagnostic>& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    out.push_back(Diagnostic{Location{path, 0, 0}, "cannot read the file", ""});
    return nullptr;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return load_yaml_text(text.str(), path, out);
}

SourceNodePtr deep_merge(const SourceNodePtr& base, const SourceNodePtr& overlay) {
  if (!base) return overlay;
  if (!overlay) return base;
  if (base->kind != SourceNode::Kind::map || overlay->kind != SourceNode::Kind::map) return overlay;
  auto out = std::make_shared<SourceNode>(*overlay);
  out->entries.clear();
  // Base keys first (in base order, overridden values merged), then keys only
  // in the overlay. Duplicate keys are kept so that the validator reports them.
  for (const auto& b : base->entries) {
    const MapEntry* o = overlay->find_entry(b.key);
    if (!o || &b != base->find_entry(b.key)) {
      out->entries.push_back(b);
    } else {
      out->entries.push_back(MapEntry{o->key, o->key_where, deep_merge(b.value, o->value)});
    }
  }
  for (const auto& o : overlay->entries) {
    if (!base->find_entry(o.key) || &o != overlay->find_entry(o.key)) out->entries.push_back(o);
  }
  return out;
}

}  // namespace shiming::rules
