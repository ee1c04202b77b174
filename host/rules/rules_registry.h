#pragma once
// The host's current province rules. current() is an atomic load: a request
// keeps the snapshot it took even if a reload swaps in a new one meanwhile.
// reload() validates the whole directory first and swaps only when there is
// no error at all; otherwise the old rules stay and the diagnostics return.
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "rules/diagnostic.h"
#include "rules/rules_loader.h"
#include "rules/rules_snapshot.h"

namespace shiming::rules {

struct ReloadResult {
  bool ok = false;
  std::uint64_t generation = 0;  // of the snapshot in use after the call
  std::size_t provinces = 0;     // in use after the call
  std::vector<Diagnostic> diagnostics;
  nlohmann::json to_json() const;  // {"ok","generation","provinces","diagnostics":[...]}
};

class RulesRegistry {
 public:
  // Starts with an empty snapshot (no provinces); call reload() to load.
  RulesRegistry(std::string dir, PluginLookup plugins);

  std::shared_ptr<const RulesSnapshot> current() const { return current_.load(); }
  ReloadResult reload();
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  PluginLookup plugins_;
  std::mutex reload_mu_;  // one reload at a time
  std::atomic<std::shared_ptr<const RulesSnapshot>> current_;
};

}  // namespace shiming::rules
