#include "host_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

namespace shiming::testing {
namespace fs = std::filesystem;

std::string make_temp_dir(const std::string& prefix) {
  fs::path base = fs::path(SHIMING_BINARY_DIR) / "tmp";
  fs::create_directories(base);
  std::string tmpl = (base / (prefix + "-XXXXXX")).string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
  return buf.data();
}

HostProcess::HostProcess(HostProcessOptions options) : options_(std::move(options)) {
  if (options_.config_file.empty())
    options_.config_file = std::string(SHIMING_SOURCE_DIR) + "/config/host.yaml";
  work_dir_ = make_temp_dir("host");
  log_file_ = work_dir_ + "/host.log";
}

HostProcess::~HostProcess() {
  if (pid_ > 0) stop();
}

std::string HostProcess::log_text() const {
  std::ifstream in(log_file_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool HostProcess::start() {
  std::string binary = options_.binary.empty() ? std::string(SHIMING_BINARY_DIR) + "/host/app/shiming-host"
                                               : options_.binary;
  std::vector<std::string> args = {binary, "--config", options_.config_file, "--listen", "127.0.0.1:0",
                                   "--data-dir", work_dir_};
  if (!options_.plugin_dir_from_config) {
    args.push_back("--plugin-dir");
    args.push_back(SHIMING_PLUGIN_DIR);
  }
  args.push_back("--database");
  args.push_back(options_.database_url.empty() ? "sqlite:" + work_dir_ + "/shiming.db"
                                               : options_.database_url);
  for (const auto& a : options_.extra_args) args.push_back(a);

  // The child truncates the log too, but a restart must not read the previous run's port before it does.
  std::ofstream(log_file_, std::ios::trunc).close();
  pid_ = fork();
  if (pid_ < 0) return false;
  if (pid_ == 0) {
    FILE* f = std::fopen(log_file_.c_str(), "w");
    if (f) {
      dup2(fileno(f), STDOUT_FILENO);
      dup2(fileno(f), STDERR_FILENO);
    }
    for (const auto& [k, v] : options_.env) setenv(k.c_str(), v.c_str(), 1);
    if (chdir(work_dir_.c_str()) != 0) _exit(126);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  static const std::regex kListening(R"re("listening".*?"port":(\d+))re");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch m;
    std::string log = log_text();
    if (std::regex_search(log, m, kListening)) {
      port_ = static_cast<unsigned short>(std::stoi(m[1]));
      return true;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

int HostProcess::stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 400; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill_hard();
  return -1;
}

void HostProcess::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

}  // namespace shiming::testing
