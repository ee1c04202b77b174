#include "rules/rules_loader.h"

#include <algorithm>
#include <filesystem>
#include <tuple>

#include "rules/province_checks.h"
#include "rules/schema_validator.h"

namespace shiming::rules {
namespace fs = std::filesystem;

namespace {

constexpr const char* kDefaultsFile = "defaults.yaml";

void sort_unique(std::vector<Diagnostic>& d) {
  auto key = [](const Diagnostic& x) {
    return std::tie(x.where.file, x.where.line, x.where.column, x.message);
  };
  std::stable_sort(d.begin(), d.end(), [&](const auto& a, const auto& b) { return key(a) < key(b); });
  d.erase(std::unique(d.begin(), d.end(), [&](const auto& a, const auto& b) { return key(a) == key(b); }),
          d.end());
}

sdk::Error rules_error(const std::vector<Diagnostic>& d) {
  return diagnostics_error("RULES_INVALID", "The province rules are invalid", "省份规则配置有误", d);
}

}  // namespace

sdk::Result<LoadedProvince> load_province(const SourceNodePtr& defaults,
                                          const SourceNodePtr& province,
                                          const PluginLookup& plugins,
                                          std::vector<Diagnostic>& out) {
  std::vector<Diagnostic> diags;
  if (!province) {
    diags.push_back(Diagnostic{Location{}, "no province document", ""});
    out.insert(out.end(), diags.begin(), diags.end());
    return rules_error(diags);
  }
  SourceNodePtr merged = deep_merge(defaults, province);
  if (merged->kind == SourceNode::Kind::null) {
    auto empty = std::make_shared<SourceNode>(*merged);
    empty->kind = SourceNode::Kind::map;
    merged = empty;
  }
  ValidationResult v = validate(*merged, province_schema());
  diags = std::move(v.diagnostics);
  check_province(*merged, v.value, plugins, diags);
  sort_unique(diags);
  if (!diags.empty()) {
    out.insert(out.end(), diags.begin(), diags.end());
    return rules_error(diags);
  }
  LoadedProvince loaded;
  loaded.rules = build_province(v.value, province->where.file);
  loaded.effective = std::move(v.value);
  return loaded;
}

sdk::Result<LoadedProvince> load_province_file(const std::string& path, const PluginLookup& plugins,
                                               std::vector<Diagnostic>& out) {
  std::vector<Diagnostic> diags;
  fs::path defaults_path = fs::path(path).parent_path() / kDefaultsFile;
  SourceNodePtr defaults;
  std::error_code ec;
  if (fs::exists(defaults_path, ec)) defaults = load_yaml_file(defaults_path.string(), diags);
  SourceNodePtr province = load_yaml_file(path, diags);
  if (!diags.empty()) {
    out.insert(out.end(), diags.begin(), diags.end());
    return rules_error(diags);
  }
  return load_province(defaults, province, plugins, out);
}

sdk::Result<std::shared_ptr<const RulesSnapshot>> load_rules(const std::string& dir,
                                                             const PluginLookup& plugins,
                                                             std::vector<Diagnostic>& out,
                                                             std::uint64_t generation) {
  std::vector<Diagnostic> diags;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    diags.push_back(Diagnostic{Location{dir, 0, 0}, "the rules directory does not exist", ""});
    out.insert(out.end(), diags.begin(), diags.end());
    return rules_error(diags);
  }
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".yml") {
      diags.push_back(Diagnostic{Location{entry.path().string(), 0, 0},
                                 "province files must end in .yaml (rename '" + name + "')", ""});
    }
    if (entry.path().extension() != ".yaml" || name == kDefaultsFile) continue;
    files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());

  SourceNodePtr defaults;
  fs::path defaults_path = fs::path(dir) / kDefaultsFile;
  if (fs::exists(defaults_path, ec)) {
    defaults = load_yaml_file(defaults_path.string(), diags);
    if (defaults && defaults->kind != SourceNode::Kind::map && defaults->kind != SourceNode::Kind::null) {
      diags.push_back(Diagnostic{defaults->where, "defaults.yaml must be a mapping", ""});
      defaults = nullptr;
    }
  }
  if (files.empty()) {
    diags.push_back(Diagnostic{Location{dir, 0, 0},
                               "no province file (<code>.yaml) in the rules directory", ""});
  }

  std::map<std::string, ProvinceRules> provinces;
  std::map<std::string, nlohmann::json> effective;
  for (const auto& file : files) {
    SourceNodePtr province = load_yaml_file(file, diags);
    if (!province) continue;
    auto loaded = load_province(defaults, province, plugins, diags);
    if (!loaded) continue;
    std::string code = loaded->rules.code;
    effective.emplace(code, std::move(loaded->effective));
    provinces.emplace(code, std::move(loaded->rules));
  }
  sort_unique(diags);  // an error in defaults.yaml shows once, not once per province
  if (!diags.empty()) {
    out.insert(out.end(), diags.begin(), diags.end());
    return rules_error(diags);
  }
  return std::shared_ptr<const RulesSnapshot>(
      std::make_shared<RulesSnapshot>(std::move(provinces), std::move(effective), generation));
}

}  // namespace shiming::rules
