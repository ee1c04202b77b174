#pragma once
// config/host.yaml: how the host runs (listen address, database, plugins,
// paths, limits). Relative paths resolve against the project root, which is
// the parent of the directory holding host.yaml (config/host.yaml -> .),
// so the same file works wherever the host is started from.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rules/diagnostic.h"
#include "rules/source_node.h"
#include "shiming/sdk/config_schema.h"
#include "shiming/sdk/result.h"

namespace shiming::rules {

struct PluginEntry {
  std::string name;         // e.g. "id_number"
  std::string file;         // absolute path of the .so (default: <plugin_dir>/lib<name>.so)
  bool optional = false;    // a plugin that fails to load is skipped, not fatal
  SourceNodePtr config;     // the raw `config:` section; validate with validate_plugin_config()
  Location where;           // position of the entry in host.yaml
};

struct TlsConfig {
  std::string cert_file;  // absolute; empty: plain HTTP
  std::string key_file;
  std::string client_ca_file;  // optional: verify client certificates (bank channel)
  bool enabled() const { return !cert_file.empty(); }
};

struct LogConfig {
  std::string level = "info";  // debug | info | warn | error
  std::string file;            // absolute; empty: stderr only
  bool json = true;
};

struct LimitsConfig {
  std::size_t upload_max_bytes = 8u << 20;
  std::size_t header_limit_bytes = 16u << 10;
  std::size_t json_body_max_bytes = 1u << 20;
  int request_timeout_seconds = 30;
};

struct AuditConfig {
  int retention_days = 3650;       // audit records are kept at least this long
  int evidence_sweep_minutes = 60; // how often expired biometric images are deleted
};

// `testing:` — switches for test hosts only. The host refuses to start with any
// of them on unless run with --allow-testing (HostConfig::testing.any()).
struct TestingConfig {
  bool settable_clock = false;  // PUT /api/v1/testing/clock moves the host's clock
  // A liveness challenge is the first challenge_length of the rule's actions, in order (not drawn at
  // random), so that a browser test can feed the camera a clip that performs them.
  bool predictable_liveness_challenge = false;
  bool any() const { return settable_clock || predictable_liveness_challenge; }
  // The names of the switches that are on (for the start-up error).
  std::vector<std::string> enabled() const {
    std::vector<std::string> on;
    if (settable_clock) on.push_back("testing.settable_clock");
    if (predictable_liveness_challenge) on.push_back("testing.predictable_liveness_challenge");
    return on;
  }
};

struct HostConfig {
  std::string file;  // absolute path of host.yaml
  std::string root;  // project root used for relative paths
  std::string listen_address = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  int io_threads = 1;
  int worker_threads = 2;
  // "sqlite:<absolute path>" or "mysql://user:password@host:port/db" (passed through).
  std::string database_url;
  std::string plugin_dir;
  std::vector<PluginEntry> plugins;
  std::string rules_dir;
  std::string keyring_file;
  std::string evidence_dir;
  TlsConfig tls;
  LogConfig log;
  LimitsConfig limits;
  int job_lease_seconds = 60;
  AuditConfig audit;
  TestingConfig testing;
  nlohmann::json effective;  // the validated document, defaults filled, paths as written
};

// The schema of host.yaml (one engine: the same validator as everything else).
const sdk::ConfigSchema& host_config_schema();

// Loads and validates host.yaml. On error every diagnostic is appended to
// `diagnostics` (when given) and the Error (HOST_CONFIG_INVALID) lists them.
sdk::Result<HostConfig> load_host_config(const std::string& path,
                                         std::vector<Diagnostic>* diagnostics = nullptr);

// `--listen ADDR:PORT` ("0.0.0.0:8443", "[::1]:8080"). Error LISTEN_INVALID.
sdk::Status apply_listen_override(HostConfig& config, const std::string& addr_port);
// `--database URL`: a relative sqlite path resolves against the current directory.
sdk::Status apply_database_override(HostConfig& config, const std::string& url);

// Resolves `sqlite:<relative>` against `root`; other URLs unchanged. Error DATABASE_URL_INVALID.
sdk::Result<std::string> resolve_database_url(const std::string& url, const std::string& root);

// Validates a plugin's `config:` section against the plugin's config schema;
// diagnostics point into host.yaml. An absent section validates as {}.
sdk::Result<nlohmann::json> validate_plugin_config(const HostConfig& config,
                                                   const PluginEntry& plugin,
                                                   const sdk::ConfigSchema& schema,
                                                   std::vector<Diagnostic>& diagnostics);

}  // namespace shiming::rules
