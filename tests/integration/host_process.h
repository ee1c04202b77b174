#pragma once
// Starts the real shiming-host binary for an integration test: a private
// working directory (SQLite database, keys, evidence, logs), the sample
// configuration with test overrides, an ephemeral loopback port.
#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace shiming::testing {

struct HostProcessOptions {
  std::string config_file;               // defaults to <source>/config/host.yaml
  std::string database_url;              // empty: sqlite in the work dir
  std::vector<std::string> extra_args;
  std::map<std::string, std::string> env;
  std::string binary;                    // empty: the build tree's host/app/shiming-host
  bool plugin_dir_from_config = false;   // true: no --plugin-dir (an installed layout)
};

class HostProcess {
 public:
  explicit HostProcess(HostProcessOptions options = {});
  ~HostProcess();  // SIGTERM, then waits; SIGKILL after 20 s
  HostProcess(const HostProcess&) = delete;
  HostProcess& operator=(const HostProcess&) = delete;

  // Starts and waits until the host logs its listening port. False on failure
  // (the log is kept in log_text()).
  bool start();
  // Sends SIGTERM and waits for the exit status.
  int stop();
  // Sends SIGKILL (a crash) and reaps it.
  void kill_hard();

  unsigned short port() const { return port_; }
  const std::string& work_dir() const { return work_dir_; }
  std::string log_text() const;  // everything the process wrote to stderr/stdout so far
  pid_t pid() const { return pid_; }

 private:
  HostProcessOptions options_;
  std::string work_dir_;
  std::string log_file_;
  pid_t pid_ = -1;
  unsigned short port_ = 0;
};

// A unique empty directory under the build tree's tmp/.
std::string make_temp_dir(const std::string& prefix);

}  // namespace shiming::testing
