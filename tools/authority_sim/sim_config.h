#pragma once
// The simulator's configuration (YAML), see config/authority-sim/sim.yaml.
// Relative file names are resolved against the config file's folder.
#include <string>
#include <vector>

#include "fault_state.h"
#include "shiming/sdk/result.h"

namespace shiming::authority_sim {

struct ClientConfig {
  std::string id;               // X-Authority-Client
  std::string cert_subject_cn;  // the client certificate's CN must be this
  std::string hmac_key;         // read from hmac_key_file or hmac_key_env, never inline
  int rate_limit_per_second = 0;  // 0: unlimited
};

struct SimConfig {
  std::string address = "127.0.0.1";
  unsigned short port = 9443;        // 0: ephemeral
  bool admin_enabled = true;
  std::string admin_address = "127.0.0.1";
  unsigned short admin_port = 9444;  // plain HTTP: keep it on loopback
  std::string cert_file, key_file, client_ca_file;
  std::string expired_cert_file, expired_key_file;  // served while the fault is on
  std::string registry_file;
  std::vector<ClientConfig> clients;
  double photo_match_threshold = 0.5;
  // face (the project's face descriptor) or sha256 (identical bytes only);
  // "auto": face when the simulator was built with it, else sha256.
  std::string photo_comparison = "auto";
  long long timestamp_window_seconds = 300;
  int io_threads = 4;
  Faults faults;
};

// Errors: SIM_CONFIG_INVALID with "file:line:column: what" in the message.
sdk::Result<SimConfig> load_sim_config(const std::string& path);

}  // namespace shiming::authority_sim
