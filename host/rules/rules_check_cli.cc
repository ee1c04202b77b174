#include "rules/rules_check_cli.h"

#include <filesystem>
#include <set>

namespace shiming::rules {
namespace fs = std::filesystem;

namespace {

const char* kUsage =
    "usage: shimingctl rules check FILE|DIR... [--plugins DIR] [--json]\n"
    "  DIR            a rules directory (defaults.yaml + one <code>.yaml per province)\n"
    "  FILE           a province file, checked merged over the defaults.yaml beside it;\n"
    "                 defaults.yaml checks every province of its directory\n"
    "  --plugins DIR  where the plugin .so files are (their schemas check pipelines and settings)\n"
    "  --json         print one JSON object instead of text\n"
    "Exit status: 0 valid, 1 errors found, 2 usage error.\n";

struct FileReport {
  std::string path;
  bool ok = false;
  std::vector<std::string> provinces;
};

}  // namespace

int run_rules_check(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                    const PluginLookupFactory& make_lookup) {
  std::vector<std::string> paths;
  std::string plugin_dir;
  bool json = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--json") {
      json = true;
    } else if (a == "--plugins") {
      if (i + 1 >= args.size()) {
        err << "rules check: --plugins needs a directory\n" << kUsage;
        return 2;
      }
      plugin_dir = args[++i];
    } else if (a.rfind("--plugins=", 0) == 0) {
      plugin_dir = a.substr(10);
    } else if (a == "--help" || a == "-h") {
      out << kUsage;
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      err << "rules check: unknown option '" << a << "'\n" << kUsage;
      return 2;
    } else {
      paths.push_back(a);
    }
  }
  if (paths.empty()) {
    err << "rules check: name at least one rules file or directory\n" << kUsage;
    return 2;
  }
  PluginLookup lookup = make_lookup ? make_lookup(plugin_dir) : PluginLookup{};

  std::vector<Diagnostic> diagnostics;
  std::vector<FileReport> reports;
  std::set<std::string> all_provinces;
  for (const auto& path : paths) {
    FileReport report{path};
    std::error_code ec;
    bool whole_dir = fs::is_directory(path, ec) || fs::path(path).filename() == "defaults.yaml";
    if (whole_dir) {
      std::string dir = fs::is_directory(path, ec) ? path : fs::path(path).parent_path().string();
      if (dir.empty()) dir = ".";
      auto snapshot = load_rules(dir, lookup, diagnostics);
      report.ok = snapshot.ok();
      if (snapshot) report.provinces = (*snapshot)->codes();
    } else {
      auto province = load_province_file(path, lookup, diagnostics);
      report.ok = province.ok();
      if (province) report.provinces.push_back(province->rules.code);
    }
    all_provinces.insert(report.provinces.begin(), report.provinces.end());
    reports.push_back(std::move(report));
  }
  bool ok = diagnostics.empty();

  if (json) {
    nlohmann::json j = {{"ok", ok}, {"files", nlohmann::json::array()},
                        {"provinces", all_provinces}, {"diagnostics", nlohmann::json::array()}};
    for (const auto& r : reports) {
      j["files"].push_back({{"path", r.path}, {"ok", r.ok}, {"provinces", r.provinces}});
    }
    for (const auto& d : diagnostics) j["diagnostics"].push_back(d.to_json());
    out << j.dump(2) << '\n';
  } else {
    for (const auto& r : reports) {
      if (!r.ok) continue;
      out << "OK " << r.path << ":";
      for (std::size_t i = 0; i < r.provinces.size(); ++i) out << (i ? ", " : " ") << r.provinces[i];
      out << '\n';
    }
    for (const auto& d : diagnostics) out << d.to_string() << '\n';
    if (!ok) {
      out << diagnostics.size() << (diagnostics.size() == 1 ? " error" : " errors") << '\n';
    }
  }
  return ok ? 0 : 1;
}

int run_rules_check(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                    const PluginLookup& plugins) {
  return run_rules_check(args, out, err, [&](const std::string&) { return plugins; });
}

}  // namespace shiming::rules
