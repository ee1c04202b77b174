// shiming-host --config FILE [--listen ADDR:PORT] [--database URL]
//              [--plugin-dir DIR] [--data-dir DIR]
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include "app/api.h"
#include "app/auth.h"
#include "app/hub.h"
#include "app/notifications.h"
#include "app/worker_pool.h"
#include "common/log.h"
#include "http/server.h"
#include "rules/host_config.h"

namespace {

int usage() {
  std::fprintf(stderr,
               "usage: shiming-host --config FILE [--listen ADDR:PORT] [--database URL]\n"
               "                    [--plugin-dir DIR] [--data-dir DIR] [--workers N]\n"
               "                    [--print-routes] [--allow-testing]\n"
               "  --data-dir puts the key file, evidence and log file under DIR.\n"
               "  --print-routes lists every route (method, path) as JSON and exits.\n"
               "  --allow-testing lets host.yaml's testing: switches (e.g. a settable clock) take effect.\n"
               "  --workers 0 runs an API-only host (another host on the same database runs the jobs).\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace shiming;
  std::string config_file, listen, database, plugin_dir, data_dir, workers_flag;
  bool print_routes = false, allow_testing = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&](std::string& out) {
      if (i + 1 >= argc) return false;
      out = argv[++i];
      return true;
    };
    bool ok = true;
    if (a == "--config") ok = next(config_file);
    else if (a == "--listen") ok = next(listen);
    else if (a == "--database") ok = next(database);
    else if (a == "--plugin-dir") ok = next(plugin_dir);
    else if (a == "--data-dir") ok = next(data_dir);
    else if (a == "--workers") ok = next(workers_flag);
    else if (a == "--print-routes") print_routes = true;
    else if (a == "--allow-testing") allow_testing = true;
    else if (a == "--help" || a == "-h") return usage(), 0;
    else ok = false;
    if (!ok) return usage();
  }
  if (config_file.empty()) return usage();

  std::vector<rules::Diagnostic> diags;
  auto config = rules::load_host_config(config_file, &diags);
  if (!config) {
    std::fprintf(stderr, "shiming-host: %s\n", config.error().message.c_str());
    return 2;
  }
  if (config->testing.any() && !allow_testing) {
    std::string on;
    for (const auto& name : config->testing.enabled()) on += (on.empty() ? "" : ", ") + name;
    std::fprintf(stderr,
                 "shiming-host: %s turns on %s, which only test hosts may use; start with "
                 "--allow-testing or remove the testing: block.\n"
                 "shiming-host: 配置文件开启了仅供测试的功能（%s）：请加 --allow-testing 启动，或删除 testing: 配置。\n",
                 config->file.c_str(), on.c_str(), on.c_str());
    return 2;
  }
  if (!listen.empty())
    if (auto s = rules::apply_listen_override(*config, listen); !s) {
      std::fprintf(stderr, "shiming-host: %s\n", s.error().message.c_str());
      return 2;
    }
  if (!database.empty())
    if (auto s = rules::apply_database_override(*config, database); !s) {
      std::fprintf(stderr, "shiming-host: %s\n", s.error().message.c_str());
      return 2;
    }
  if (!plugin_dir.empty()) {
    auto old_dir = config->plugin_dir;
    config->plugin_dir = std::filesystem::absolute(plugin_dir).string();
    for (auto& p : config->plugins)
      if (std::filesystem::path(p.file).parent_path() == std::filesystem::path(old_dir))
        p.file = (std::filesystem::path(config->plugin_dir) / std::filesystem::path(p.file).filename()).string();
  }
  if (!data_dir.empty()) {
    auto dir = std::filesystem::absolute(data_dir);
    config->keyring_file = (dir / "keys" / "keyring.json").string();
    config->evidence_dir = (dir / "evidence").string();
    config->log.file = (dir / "shiming.log").string();
  }
  if (!workers_flag.empty()) {
    try {
      config->worker_threads = std::stoi(workers_flag);
    } catch (...) {
      return usage();
    }
    if (config->worker_threads < 0 || config->worker_threads > 256) return usage();
  }
  if (!config->log.file.empty())
    std::filesystem::create_directories(std::filesystem::path(config->log.file).parent_path());
  init_logging({config->log.level, config->log.file, config->log.json});

  http::Metrics metrics;
  auto hub = Hub::create(*config, metrics);
  if (!hub) {
    std::fprintf(stderr, "shiming-host: %s\n", hub.error().message.c_str());
    log_event(spdlog::level::critical, "start-up failed", {{"error", hub.error().message}});
    return 1;
  }
  Hub& h = *hub.value();
  Auth auth(h);
  WorkerPool workers(h, config->worker_threads);
  ApiContext ctx{h, auth, workers};
  http::Router router;
  register_routes(router, ctx);
  if (print_routes) {
    // Every route the router serves, core and channel plugins alike (docs check).
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [method, pattern] : router.routes()) list.push_back({{"method", method}, {"path", pattern}});
    std::printf("%s\n", list.dump(1).c_str());
    return 0;
  }
  metrics.gauge_fn("shiming_job_queue_depth", "Jobs queued or running",
                   [&h] { return static_cast<double>(h.jobs.depth()); });
  if (h.notifications().enabled())
    metrics.gauge_fn("shiming_notifications_pending", "Notifications waiting to be sent (outbox rows not yet done)",
                     [&h] {
                       auto c = h.notifications().outbox().counts();
                       return static_cast<double>(c["pending"] + c["sending"]);
                     });

  http::ServerOptions opts;
  opts.address = config->listen_address;
  opts.port = config->listen_port;
  opts.io_threads = config->io_threads;
  opts.header_limit = config->limits.header_limit_bytes;
  opts.read_timeout = std::chrono::seconds(config->limits.request_timeout_seconds);
  opts.write_timeout = std::chrono::seconds(config->limits.request_timeout_seconds);
  opts.tls_cert_file = config->tls.cert_file;
  opts.tls_key_file = config->tls.key_file;
  opts.tls_client_ca_file = config->tls.client_ca_file;
  opts.admission = http::AdmissionOptions::from_json(config->effective.value("admission", nlohmann::json::object()));
  opts.admission.workers = config->worker_threads;
  opts.admission.queue_depth = [&h] { return h.jobs.depth(); };
  http::Server server(opts, router, metrics);
  if (auto s = server.start(); !s) {
    std::fprintf(stderr, "shiming-host: %s\n", s.error().message.c_str());
    return 1;
  }
  server.on_signals([&h] {
    auto r = h.rules().reload();
    log_event(r.ok ? spdlog::level::info : spdlog::level::err, "rules reload (SIGHUP)",
              {{"ok", r.ok}, {"generation", r.generation}, {"diagnostics", r.to_json()["diagnostics"]}});
  });
  workers.start();
  h.notifications().start();  // the outbox sender (only when a notifier plugin is loaded)
  log_event(spdlog::level::info, "listening",
            {{"address", opts.address}, {"port", server.port()}, {"tls", config->tls.enabled()},
             {"database", h.db().display_url()}, {"plugins", h.plugins().size()},
             {"provinces", h.provinces().size()}});
  server.run();
  h.notifications().stop();
  log_event(spdlog::level::info, "stopping workers");
  workers.stop();
  log_event(spdlog::level::info, "stopped");
  return 0;
}
