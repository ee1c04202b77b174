// shiming-authority-sim: a stand-in for the national identity authority
// gateway, for development, tests and demos. See docs/authority-protocol.md.
//
//   shiming-authority-sim --config config/authority-sim/sim.yaml [--port N] [--admin-port N]
#include <csignal>
#include <cstring>
#include <iostream>
#include <string>

#include <pthread.h>

#include "authority_sim.h"
#include "common/log.h"

namespace {

int usage() {
  std::cerr << "usage: shiming-authority-sim --config FILE [--port N] [--admin-port N]\n"
               "用法：shiming-authority-sim --config 配置文件 [--port 端口] [--admin-port 端口]\n";
  return 2;
}

bool parse_port(const char* s, unsigned short& out) {
  char* end = nullptr;
  long v = std::strtol(s, &end, 10);
  if (!*s || *end || v < 0 || v > 65535) return false;
  out = static_cast<unsigned short>(v);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace shiming;
  std::string config_file;
  int port = -1, admin_port = -1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    unsigned short p = 0;
    if (a == "--config" && i + 1 < argc) config_file = argv[++i];
    else if (a == "--port" && i + 1 < argc && parse_port(argv[++i], p)) port = p;
    else if (a == "--admin-port" && i + 1 < argc && parse_port(argv[++i], p)) admin_port = p;
    else return usage();
  }
  if (config_file.empty()) return usage();

  init_logging(LogOptions{"info", "", true});
  auto config = authority_sim::load_sim_config(config_file);
  if (!config) {
    std::cerr << config.error().message << "\n" << config.error().message_zh << "\n";
    return 1;
  }
  if (port >= 0) config->port = static_cast<unsigned short>(port);
  if (admin_port >= 0) config->admin_port = static_cast<unsigned short>(admin_port);

  // Signals are taken by sigwait below, not by the server threads.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto sim = authority_sim::AuthoritySim::create(std::move(config).value());
  if (!sim) {
    std::cerr << sim.error().message << "\n" << sim.error().message_zh << "\n";
    return 1;
  }
  if (auto s = (*sim)->start(); !s) {
    std::cerr << s.error().message << "\n" << s.error().message_zh << "\n";
    return 1;
  }
  log_event(spdlog::level::info, "authority simulator listening",
            {{"port", (*sim)->port()}, {"admin_port", (*sim)->admin_port()}});
  int sig = 0;
  sigwait(&signals, &sig);
  log_event(spdlog::level::info, "authority simulator stopping", {{"signal", sig}});
  (*sim)->stop();
  return 0;
}
