#include "rules/host_config.h"

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>
#include <tuple>

#include "rules/schema_validator.h"

namespace shiming::rules {
namespace fs = std::filesystem;

namespace {

std::string resolve(const std::string& path, const std::string& root) {
  if (path.empty()) return path;
  fs::path p(path);
  if (p.is_absolute()) return p.lexically_normal().string();
  return (fs::path(root) / p).lexically_normal().string();
}

Location where_of(const SourceNode& root, const std::string& key) {
  const MapEntry* e = root.find_entry(key);
  return e ? e->value->where : root.where;
}

}  // namespace

sdk::Result<std::string> resolve_database_url(const std::string& url, const std::string& root) {
  if (url.rfind("sqlite:", 0) == 0) {
    std::string path = url.substr(7);
    if (path.empty()) {
      return sdk::make_error("DATABASE_URL_INVALID", "The sqlite database URL names no file.",
                             "SQLite 数据库地址缺少文件路径。", "database.url");
    }
    if (path == ":memory:") return url;
    return "sqlite:" + resolve(path, root);
  }
  if (url.rfind("mysql://", 0) == 0 || url.rfind("mariadb://", 0) == 0) return url;
  return sdk::make_error("DATABASE_URL_INVALID",
                         "Unsupported database URL '" + url +
                             "': use sqlite:<path> or mysql://user:password@host:port/db.",
                         "不支持的数据库地址：请使用 sqlite:<路径> 或 mysql://用户:密码@主机:端口/库名。",
                         "database.url");
}

sdk::Result<HostConfig> load_host_config(const std::string& path,
                                         std::vector<Diagnostic>* diagnostics) {
  std::vector<Diagnostic> diags;
  auto finish_error = [&](std::vector<Diagnostic>& d) {
    if (diagnostics) diagnostics->insert(diagnostics->end(), d.begin(), d.end());
    return diagnostics_error("HOST_CONFIG_INVALID", "The host configuration is invalid",
                             "主机配置文件有误", d);
  };
  SourceNodePtr tree = load_yaml_file(path, diags);
  if (!tree) return finish_error(diags);

  ValidationResult v = validate(*tree, host_config_schema());
  diags = std::move(v.diagnostics);
  const nlohmann::json& j = v.value;

  HostConfig c;
  c.file = fs::absolute(path).lexically_normal().string();
  c.root = fs::path(c.file).parent_path().parent_path().string();
  c.effective = j;
  auto str = [&](const nlohmann::json& o, const char* k) {
    return o.contains(k) && o[k].is_string() ? o[k].get<std::string>() : std::string();
  };
  auto num = [&](const nlohmann::json& o, const char* k, long long fallback) {
    return o.contains(k) && o[k].is_number_integer() ? o[k].get<long long>() : fallback;
  };
  const auto& listen = j.value("listen", nlohmann::json::object());
  c.listen_address = str(listen, "address");
  c.listen_port = static_cast<std::uint16_t>(num(listen, "port", 8080));
  c.io_threads = static_cast<int>(num(j, "io_threads", 1));
  c.worker_threads = static_cast<int>(num(j, "worker_threads", 2));
  std::string url = str(j.value("database", nlohmann::json::object()), "url");
  if (!url.empty()) {
    auto resolved = resolve_database_url(url, c.root);
    if (resolved) {
      c.database_url = *resolved;
    } else if (const SourceNode* db = tree->find("database")) {
      diags.push_back(Diagnostic{where_of(*db, "url"), resolved.error().message, "database.url"});
    }
  }
  c.plugin_dir = resolve(str(j, "plugin_dir"), c.root);
  c.rules_dir = resolve(str(j, "rules_dir"), c.root);
  c.keyring_file = resolve(str(j, "keyring_file"), c.root);
  c.evidence_dir = resolve(str(j, "evidence_dir"), c.root);
  const auto& tls = j.value("tls", nlohmann::json::object());
  c.tls.cert_file = resolve(str(tls, "cert_file"), c.root);
  c.tls.key_file = resolve(str(tls, "key_file"), c.root);
  c.tls.client_ca_file = resolve(str(tls, "client_ca_file"), c.root);
  if (c.tls.cert_file.empty() != c.tls.key_file.empty()) {
    const SourceNode* t = tree->find("tls");
    diags.push_back(Diagnostic{t ? t->where : tree->where,
                               "tls needs both 'cert_file' and 'key_file' (or neither)", "tls"});
  }
  const auto& log = j.value("log", nlohmann::json::object());
  c.log.level = str(log, "level");
  c.log.file = resolve(str(log, "file"), c.root);
  c.log.json = !(log.contains("json") && log["json"].is_boolean()) || log["json"].get<bool>();
  const auto& limits = j.value("limits", nlohmann::json::object());
  c.limits.upload_max_bytes = static_cast<std::size_t>(num(limits, "upload_max_bytes", 8 << 20));
  c.limits.header_limit_bytes = static_cast<std::size_t>(num(limits, "header_limit_bytes", 16 << 10));
  c.limits.json_body_max_bytes = static_cast<std::size_t>(num(limits, "json_body_max_bytes", 1 << 20));
  c.limits.request_timeout_seconds = static_cast<int>(num(limits, "request_timeout_seconds", 30));
  c.job_lease_seconds = static_cast<int>(num(j.value("jobs", nlohmann::json::object()), "lease_seconds", 60));
  const auto& audit = j.value("audit", nlohmann::json::object());
  c.audit.retention_days = static_cast<int>(num(audit, "retention_days", 3650));
  c.audit.evidence_sweep_minutes = static_cast<int>(num(audit, "evidence_sweep_minutes", 60));
  const auto& testing = j.value("testing", nlohmann::json::object());
  c.testing.settable_clock = testing.contains("settable_clock") && testing["settable_clock"].is_boolean() &&
                             testing["settable_clock"].get<bool>();
  c.testing.predictable_liveness_challenge = testing.contains("predictable_liveness_challenge") &&
                                             testing["predictable_liveness_challenge"].is_boolean() &&
                                             testing["predictable_liveness_challenge"].get<bool>();

  // Plugins: names are snake_case and unique; keep the raw config for later validation.
  static const std::regex name_re("[a-z][a-z0-9_]*");
  const SourceNode* plugin_list = tree->find("plugins");
  std::set<std::string> names;
  if (plugin_list && plugin_list->kind == SourceNode::Kind::sequence && j["plugins"].is_array()) {
    for (std::size_t i = 0; i < plugin_list->items.size() && i < j["plugins"].size(); ++i) {
      const SourceNode& item = *plugin_list->items[i];
      const nlohmann::json& pj = j["plugins"][i];
      std::string item_path = "plugins[" + std::to_string(i) + "]";
      if (item.kind != SourceNode::Kind::map || !pj.is_object() || !pj.contains("name") ||
          !pj["name"].is_string()) {
        continue;  // already reported by the validator
      }
      PluginEntry p;
      p.name = pj["name"].get<std::string>();
      p.where = item.where;
      Location name_at = where_of(item, "name");
      if (!std::regex_match(p.name, name_re)) {
        diags.push_back(Diagnostic{name_at, "plugin name '" + p.name +
                                                "' must be snake_case (a-z, 0-9, _; starting with a letter)",
                                   item_path + ".name"});
      } else if (!names.insert(p.name).second) {
        diags.push_back(Diagnostic{name_at, "plugin '" + p.name + "' is listed twice",
                                   item_path + ".name"});
      }
      std::string file = str(pj, "file");
      p.file = file.empty() ? (fs::path(c.plugin_dir) / ("lib" + p.name + ".so")).string()
                            : resolve(file, c.root);
      p.optional = pj.contains("optional") && pj["optional"].is_boolean() && pj["optional"].get<bool>();
      if (const MapEntry* cfg = item.find_entry("config")) p.config = cfg->value;
      c.plugins.push_back(std::move(p));
    }
  }

  if (!diags.empty()) {
    std::stable_sort(diags.begin(), diags.end(), [](const Diagnostic& a, const Diagnostic& b) {
      return std::tie(a.where.line, a.where.column) < std::tie(b.where.line, b.where.column);
    });
    return finish_error(diags);
  }
  return c;
}

sdk::Status apply_listen_override(HostConfig& config, const std::string& addr_port) {
  std::string address, port;
  if (!addr_port.empty() && addr_port.front() == '[') {
    auto close = addr_port.find("]:");
    if (close == std::string::npos) address.clear();
    else {
      address = addr_port.substr(1, close - 1);
      port = addr_port.substr(close + 2);
    }
  } else {
    auto colon = addr_port.rfind(':');
    if (colon != std::string::npos && addr_port.find(':') == colon) {
      address = addr_port.substr(0, colon);
      port = addr_port.substr(colon + 1);
    }
  }
  static const std::regex digits("[0-9]{1,5}");
  // Port 0 asks the kernel for a free port (tests, several hosts on one machine);
  // the host logs the port it got.
  if (address.empty() || !std::regex_match(port, digits) || std::stoi(port) > 65535) {
    return sdk::make_error("LISTEN_INVALID",
                           "--listen expects ADDRESS:PORT (e.g. 0.0.0.0:8443 or [::1]:8080), got '" +
                               addr_port + "'.",
                           "--listen 参数应为 地址:端口（例如 0.0.0.0:8443 或 [::1]:8080）。",
                           "listen");
  }
  config.listen_address = address;
  config.listen_port = static_cast<std::uint16_t>(std::stoi(port));
  config.effective["listen"] = {{"address", address}, {"port", config.listen_port}};
  return sdk::Status::Ok();
}

sdk::Status apply_database_override(HostConfig& config, const std::string& url) {
  auto resolved = resolve_database_url(url, fs::current_path().string());
  if (!resolved) return resolved.error();
  config.database_url = *resolved;
  config.effective["database"] = {{"url", url}};
  return sdk::Status::Ok();
}

sdk::Result<nlohmann::json> validate_plugin_config(const HostConfig& config,
                                                   const PluginEntry& plugin,
                                                   const sdk::ConfigSchema& schema,
                                                   std::vector<Diagnostic>& diagnostics) {
  SourceNode empty;
  empty.kind = SourceNode::Kind::map;
  empty.where = plugin.where.file.empty() ? Location{config.file, 0, 0} : plugin.where;
  const SourceNode& node = plugin.config ? *plugin.config : empty;
  ValidationResult v = validate(node, schema, "plugins." + plugin.name + ".config");
  if (!v.ok()) {
    diagnostics.insert(diagnostics.end(), v.diagnostics.begin(), v.diagnostics.end());
    return diagnostics_error("PLUGIN_CONFIG_INVALID",
                             "The configuration of plugin '" + plugin.name + "' is invalid",
                             "插件 " + plugin.name + " 的配置有误", v.diagnostics);
  }
  return v.value;
}

}  // namespace shiming::rules
