// The schema of config/host.yaml, in the same structs plugins use.
#include "rules/host_config.h"

namespace shiming::rules {

using sdk::ConfigField;
using sdk::ConfigSchema;
using sdk::FieldType;

namespace {

ConfigSchema build_host_schema() {
  ConfigSchema s;
  ConfigField listen{.name = "listen", .type = FieldType::object, .doc = "Where the HTTP(S) server listens."};
  listen.fields = {
      {.name = "address", .type = FieldType::string, .default_value = "127.0.0.1",
       .doc = "IPv4 or IPv6 address to bind."},
      {.name = "port", .type = FieldType::integer, .default_value = 8080, .min = 0, .max = 65535,
       .doc = "0: any free port (the host logs the one it got)."},
  };
  s.fields.push_back(listen);
  s.fields.push_back({.name = "io_threads", .type = FieldType::integer, .default_value = 1,
                      .min = 1, .max = 64, .doc = "Threads running the network I/O."});
  s.fields.push_back({.name = "worker_threads", .type = FieldType::integer, .default_value = 2,
                      .min = 1, .max = 256, .doc = "Threads running verification jobs (OCR, faces)."});
  ConfigField database{.name = "database", .type = FieldType::object};
  database.fields = {{.name = "url", .type = FieldType::string,
                      .default_value = "sqlite:var/shiming.db",
                      .doc = "sqlite:<path> or mysql://user:password@host:port/db"}};
  s.fields.push_back(database);
  s.fields.push_back({.name = "plugin_dir", .type = FieldType::string, .default_value = "build/release/plugins",
                      .doc = "Directory of the plugin .so files."});
  ConfigField plugins{.name = "plugins", .type = FieldType::list,
                      .default_value = nlohmann::json::array(),
                      .doc = "The plugins to load, in order."};
  plugins.fields = {
      {.name = "name", .type = FieldType::string, .required = true},
      {.name = "file", .type = FieldType::string, .doc = "Default: <plugin_dir>/lib<name>.so"},
      {.name = "optional", .type = FieldType::boolean, .default_value = false,
       .doc = "When true, a plugin that fails to load is skipped with a warning."},
      {.name = "config", .type = FieldType::object,
       .doc = "Validated against the plugin's own config schema when it is loaded.",
       .open = true},
  };
  s.fields.push_back(plugins);
  s.fields.push_back({.name = "rules_dir", .type = FieldType::string, .default_value = "config/provinces"});
  s.fields.push_back({.name = "keyring_file", .type = FieldType::string, .default_value = "var/keys/keyring.json"});
  s.fields.push_back({.name = "evidence_dir", .type = FieldType::string, .default_value = "var/evidence"});
  ConfigField tls{.name = "tls", .type = FieldType::object};
  tls.fields = {
      {.name = "cert_file", .type = FieldType::string, .default_value = ""},
      {.name = "key_file", .type = FieldType::string, .default_value = ""},
      {.name = "client_ca_file", .type = FieldType::string, .default_value = ""},
  };
  s.fields.push_back(tls);
  ConfigField log{.name = "log", .type = FieldType::object};
  log.fields = {
      {.name = "level", .type = FieldType::string, .default_value = "info",
       .allowed = {"debug", "info", "warn", "error"}},
      {.name = "file", .type = FieldType::string, .default_value = ""},
      {.name = "json", .type = FieldType::boolean, .default_value = true},
  };
  s.fields.push_back(log);
  ConfigField limits{.name = "limits", .type = FieldType::object};
  limits.fields = {
      {.name = "upload_max_bytes", .type = FieldType::integer, .default_value = 8 << 20,
       .min = 1024, .max = 256.0 * (1 << 20)},
      {.name = "header_limit_bytes", .type = FieldType::integer, .default_value = 16 << 10,
       .min = 1024, .max = 1 << 20},
      {.name = "json_body_max_bytes", .type = FieldType::integer, .default_value = 1 << 20,
       .min = 1024, .max = 64 << 20},
      {.name = "request_timeout_seconds", .type = FieldType::integer, .default_value = 30,
       .min = 1, .max = 3600},
  };
  s.fields.push_back(limits);
  ConfigField jobs{.name = "jobs", .type = FieldType::object};
  jobs.fields = {{.name = "lease_seconds", .type = FieldType::integer, .default_value = 60,
                  .min = 5, .max = 86400,
                  .doc = "A job taken by a worker returns to the queue if not finished in time."}};
  s.fields.push_back(jobs);
  ConfigField audit{.name = "audit", .type = FieldType::object};
  audit.fields = {
      {.name = "retention_days", .type = FieldType::integer, .default_value = 3650, .min = 365,
       .max = 36500},
      {.name = "evidence_sweep_minutes", .type = FieldType::integer, .default_value = 60,
       .min = 1, .max = 10080,
       .doc = "How often images past the province's retention are deleted."},
  };
  s.fields.push_back(audit);
  ConfigField notifications{.name = "notifications", .type = FieldType::object,
                            .doc = "The outbox sender (notifier plugins are listed under plugins)."};
  notifications.fields = {
      {.name = "poll_ms", .type = FieldType::integer, .default_value = 1000, .min = 10, .max = 60000,
       .doc = "How often the sender looks for due notifications."},
      {.name = "retry_base_seconds", .type = FieldType::integer, .default_value = 30, .min = 1,
       .max = 86400, .doc = "First retry delay; doubled each attempt."},
      {.name = "retry_max_seconds", .type = FieldType::integer, .default_value = 3600, .min = 1,
       .max = 604800},
      {.name = "max_attempts", .type = FieldType::integer, .default_value = 20, .min = 1, .max = 1000},
      {.name = "lease_seconds", .type = FieldType::integer, .default_value = 120, .min = 5,
       .max = 86400, .doc = "A notification taken by a sender that dies is sent again after this."},
      {.name = "warning_sweep_seconds", .type = FieldType::integer, .default_value = 60, .min = 1,
       .max = 86400, .doc = "How often open cases are checked for a due deadline warning."},
  };
  s.fields.push_back(notifications);
  ConfigField admission{.name = "admission", .type = FieldType::object,
                        .doc = "Peak-time admission control (docs/admission.md): 429 per client, "
                               "503 when the host is overloaded, both with Retry-After."};
  admission.fields = {
      {.name = "enabled", .type = FieldType::boolean, .default_value = false,
       .doc = "Off when the block is absent; the shipped config/host.yaml turns it on."},
      {.name = "client_rate", .type = FieldType::number, .default_value = 20, .min = 0, .max = 1e6,
       .doc = "Requests a second per client (bearer token, else address); 0: no per-client limit."},
      {.name = "client_burst", .type = FieldType::number, .default_value = 60, .min = 1, .max = 1e7,
       .doc = "How many a client may send at once before client_rate applies."},
      {.name = "heavy_cost", .type = FieldType::number, .default_value = 5, .min = 1, .max = 1000,
       .doc = "What a heavy request takes from the client's budget (a light one takes 1)."},
      {.name = "max_in_flight_heavy", .type = FieldType::integer, .default_value = 64, .min = 0,
       .max = 100000, .doc = "Heavy requests served at once by this host; more: 503 HOST_BUSY. 0: no limit."},
      {.name = "client_max_in_flight_heavy", .type = FieldType::integer, .default_value = 0, .min = 0,
       .max = 100000, .doc = "Heavy requests of one client served at once; more: 429 CLIENT_BUSY. 0: no limit."},
      {.name = "max_queue_depth", .type = FieldType::integer, .default_value = 5000, .min = 0,
       .max = 10000000, .doc = "Jobs queued or running; at or over it heavy requests get 503 QUEUE_FULL. 0: no limit."},
      {.name = "seconds_per_job", .type = FieldType::number, .default_value = 5, .min = 0.01, .max = 3600,
       .doc = "A job's usual run time, for the Retry-After estimate of QUEUE_FULL."},
      {.name = "queue_sample_ms", .type = FieldType::integer, .default_value = 1000, .min = 0, .max = 60000,
       .doc = "How often the queue depth is read from the database."},
      {.name = "max_clients", .type = FieldType::integer, .default_value = 100000, .min = 100,
       .max = 10000000, .doc = "Client budgets kept in memory; beyond it a new token counts against its address."},
      {.name = "client_ip_header", .type = FieldType::string, .default_value = "",
       .doc = "Behind a trusted reverse proxy: the header carrying the client address (e.g. X-Real-IP)."},
      {.name = "exempt_routes", .type = FieldType::string_list,
       .default_value = nlohmann::json::array({"GET /healthz", "GET /metrics", "GET /api/v1/provinces/{province}/load",
                         "GET /api/v1/provinces/{province}/help", "GET /static/{file}"}),
       .doc = "\"METHOD /pattern\" (a trailing * matches a prefix): never limited."},
      {.name = "heavy_routes", .type = FieldType::string_list,
       .default_value = nlohmann::json::array({"POST /api/v1/provinces/{province}/cases", "PUT /api/v1/cases/{id}/documents/{kind}",
                         "POST /api/v1/cases/{id}/submit", "POST /api/v1/cases/{id}/remediation",
                         "POST /api/v1/auth/login", "GET /api/v1/candidates/{id}/sessions/{s}/admission-ticket",
                         "POST /api/v1/channels/*", "PUT /api/v1/channels/*"}),
       .doc = "Routes that cost CPU, disk or a verification job (host limits apply to these)."},
  };
  s.fields.push_back(admission);
  ConfigField testing{.name = "testing", .type = FieldType::object,
                      .doc = "Test hosts only: the host starts with any of these on only when run "
                             "with --allow-testing."};
  testing.fields = {
      {.name = "settable_clock", .type = FieldType::boolean, .default_value = false,
       .doc = "An admin may move the host's clock (PUT /api/v1/testing/clock)."},
      {.name = "predictable_liveness_challenge", .type = FieldType::boolean, .default_value = false,
       .doc = "A liveness challenge is the first challenge_length of the rule's actions in order, "
              "not drawn at random (browser tests feed the camera a clip performing them)."},
  };
  s.fields.push_back(testing);
  return s;
}

}  // namespace

const sdk::ConfigSchema& host_config_schema() {
  static const ConfigSchema schema = build_host_schema();
  return schema;
}

}  // namespace shiming::rules
