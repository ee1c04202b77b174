#pragma once
// The simulator's registry of fictitious citizens (YAML), see
// config/authority-sim/registry.yaml.
#include <map>
#include <string>

#include "shiming/sdk/result.h"

namespace shiming::authority_sim {

struct Citizen {
  std::string id_number;
  std::string name;
  bool cancelled = false;
  std::string cancel_reason;    // e.g. reissued, deceased
  std::string portrait_file;    // absolute path, "" if none
  std::string portrait_sha256;  // hex digest of the portrait file
};

class Registry {
 public:
  // Errors: SIM_REGISTRY_INVALID with file:line:column.
  static sdk::Result<Registry> load(const std::string& file);
  const Citizen* find(const std::string& id_number) const;
  std::size_t size() const { return by_id_.size(); }
  const std::map<std::string, Citizen>& citizens() const { return by_id_; }

 private:
  std::map<std::string, Citizen> by_id_;
};

}  // namespace shiming::authority_sim
