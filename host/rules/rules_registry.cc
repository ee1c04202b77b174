#include "rules/rules_registry.h"

namespace shiming::rules {

nlohmann::json ReloadResult::to_json() const {
  nlohmann::json d = nlohmann::json::array();
  for (const auto& x : diagnostics) d.push_back(x.to_json());
  return {{"ok", ok}, {"generation", generation}, {"provinces", provinces}, {"diagnostics", d}};
}

RulesRegistry::RulesRegistry(std::string dir, PluginLookup plugins)
    : dir_(std::move(dir)), plugins_(std::move(plugins)), current_(std::make_shared<const RulesSnapshot>()) {}

ReloadResult RulesRegistry::reload() {
  std::lock_guard<std::mutex> lock(reload_mu_);
  ReloadResult r;
  std::shared_ptr<const RulesSnapshot> now = current_.load();
  auto loaded = load_rules(dir_, plugins_, r.diagnostics, now->generation() + 1);
  if (loaded) {
    now = *loaded;
    current_.store(now);
    r.ok = true;
  }
  r.generation = now->generation();
  r.provinces = now->provinces().size();
  return r;
}

}  // namespace shiming::rules
