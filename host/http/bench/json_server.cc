// Benchmark target: serves GET /api/v1/ping (a small JSON body) with the real
// Server, Router and Metrics, until SIGINT/SIGTERM.
//   shiming-http-bench-server [--port N] [--threads N] [--no-access-log] [--log FILE]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "common/log.h"
#include "http/server.h"

int main(int argc, char** argv) {
  using namespace shiming;
  http::ServerOptions options;
  options.port = 8089;
  options.io_threads = 1;
  LogOptions log;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--port" && i + 1 < argc) options.port = static_cast<unsigned short>(std::atoi(argv[++i]));
    else if (a == "--threads" && i + 1 < argc) options.io_threads = std::atoi(argv[++i]);
    else if (a == "--no-access-log") options.access_log = false;
    else if (a == "--log" && i + 1 < argc) log.file = argv[++i];
    else {
      std::fprintf(stderr, "usage: %s [--port N] [--threads N] [--no-access-log] [--log FILE]\n", argv[0]);
      return 2;
    }
  }
  init_logging(log);
  http::Router router;
  http::Metrics metrics;
  const std::string body = R"({"status":"ok","service":"shiming","version":"0.1.0"})";
  router.add("GET", "/api/v1/ping", [&body](sdk::HttpRequest&) {
    sdk::HttpResponse r;
    r.body = body;
    return r;
  });
  router.add("GET", "/metrics", [&metrics](sdk::HttpRequest&) {
    sdk::HttpResponse r;
    r.content_type = std::string(http::Metrics::kContentType);
    r.body = metrics.render();
    return r;
  });
  http::Server server(options, router, metrics);
  if (auto s = server.start(); !s) {
    std::fprintf(stderr, "%s: %s\n", s.error().code.c_str(), s.error().message.c_str());
    return 1;
  }
  server.on_signals({});
  server.run();
  return 0;
}
