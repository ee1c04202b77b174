#pragma once
// An immutable set of province rules. Readers take a shared_ptr and keep it
// for the whole request; a reload builds a new snapshot and swaps it in.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rules/province_rules.h"

namespace shiming::rules {

class RulesSnapshot {
 public:
  RulesSnapshot() = default;
  RulesSnapshot(std::map<std::string, ProvinceRules> provinces,
                std::map<std::string, nlohmann::json> effective, std::uint64_t generation = 0);

  // nullptr when there is no such province.
  const ProvinceRules* province(const std::string& code) const;
  std::vector<std::string> codes() const;  // sorted
  const std::map<std::string, ProvinceRules>& provinces() const { return provinces_; }
  // The merged, validated document of one province (GET /api/v1/provinces/{p}/rules);
  // null when unknown.
  nlohmann::json effective(const std::string& code) const;
  // 1 for the first successful load, +1 per successful reload (0: empty).
  std::uint64_t generation() const { return generation_; }

 private:
  std::map<std::string, ProvinceRules> provinces_;
  std::map<std::string, nlohmann::json> effective_;
  std::uint64_t generation_ = 0;
};

}  // namespace shiming::rules
