#include "registry.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "shiming/authority/protocol.h"

namespace shiming::authority_sim {
namespace fs = std::filesystem;

sdk::Result<Registry> Registry::load(const std::string& file) {
  auto error = [&](const YAML::Node* n, const std::string& what) {
    std::string where = file;
    if (n && !n->Mark().is_null())
      where += ":" + std::to_string(n->Mark().line + 1) + ":" + std::to_string(n->Mark().column + 1);
    return sdk::make_error("SIM_REGISTRY_INVALID", where + ": " + what, where + "：登记库错误：" + what);
  };
  YAML::Node root;
  try {
    root = YAML::LoadFile(file);
  } catch (const YAML::BadFile&) {
    return error(nullptr, "cannot read the file");
  } catch (const YAML::ParserException& e) {
    return error(nullptr, "line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  auto citizens = root["citizens"];
  if (!citizens || !citizens.IsSequence()) return error(&root, "'citizens' must be a list");
  const fs::path base = fs::absolute(fs::path(file)).parent_path();
  Registry reg;
  for (const auto& n : citizens) {
    if (!n.IsMap()) return error(&n, "each citizen must be a mapping");
    Citizen c;
    try {
      for (const auto& kv : n) {
        auto k = kv.first.as<std::string>();
        if (k == "id_number") c.id_number = kv.second.as<std::string>();
        else if (k == "name") c.name = kv.second.as<std::string>();
        else if (k == "status") {
          auto s = kv.second.as<std::string>();
          if (s != "active" && s != "cancelled")
            return error(&kv.second, "status must be active or cancelled");
          c.cancelled = s == "cancelled";
        } else if (k == "cancel_reason") c.cancel_reason = kv.second.as<std::string>();
        else if (k == "portrait") c.portrait_file = (base / kv.second.as<std::string>()).lexically_normal().string();
        else return error(&kv.first, "unknown key '" + k + "' (id_number, name, status, cancel_reason, portrait)");
      }
    } catch (const YAML::Exception&) {
      return error(&n, "values must be strings");
    }
    if (c.id_number.empty() || c.name.empty()) return error(&n, "id_number and name are required");
    if (!c.portrait_file.empty()) {
      std::ifstream in(c.portrait_file, std::ios::binary);
      if (!in) return error(&n, "cannot read the portrait " + c.portrait_file);
      std::ostringstream ss;
      ss << in.rdbuf();
      c.portrait_sha256 = authority::sha256_hex(ss.str());
    }
    if (reg.by_id_.count(c.id_number)) return error(&n, "duplicate id_number");
    reg.by_id_.emplace(c.id_number, std::move(c));
  }
  return reg;
}

const Citizen* Registry::find(const std::string& id_number) const {
  auto it = by_id_.find(id_number);
  return it == by_id_.end() ? nullptr : &it->second;
}

}  // namespace shiming::authority_sim
