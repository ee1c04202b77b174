#include "rules/rules_snapshot.h"

namespace shiming::rules {

RulesSnapshot::RulesSnapshot(std::map<std::string, ProvinceRules> provinces,
                             std::map<std::string, nlohmann::json> effective,
                             std::uint64_t generation)
    : provinces_(std::move(provinces)), effective_(std::move(effective)), generation_(generation) {}

const ProvinceRules* RulesSnapshot::province(const std::string& code) const {
  auto it = provinces_.find(code);
  return it == provinces_.end() ? nullptr : &it->second;
}

std::vector<std::string> RulesSnapshot::codes() const {
  std::vector<std::string> out;
  for (const auto& [code, _] : provinces_) out.push_back(code);
  return out;
}

nlohmann::json RulesSnapshot::effective(const std::string& code) const {
  auto it = effective_.find(code);
  return it == effective_.end() ? nlohmann::json() : it->second;
}

}  // namespace shiming::rules
