#include "rules/province_rules.h"

namespace shiming::rules {

const ChannelRules* ProvinceRules::enabled_channel(const std::string& name) const {
  auto it = channels.find(name);
  return it != channels.end() && it->second.enabled ? &it->second : nullptr;
}

const ExamSession* ProvinceRules::session(const std::string& id) const {
  for (const auto& s : sessions) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

const ExamSession* ProvinceRules::current_session(TimePoint t) const {
  const ExamSession* next = nullptr;
  for (const auto& s : sessions) {
    if (s.registration_open <= t && t < s.registration_close) return &s;
    if (s.registration_open > t && (!next || s.registration_open < next->registration_open)) next = &s;
  }
  return next;
}

bool ProvinceRules::in_peak(TimePoint t) const {
  for (const auto& w : peaks) {
    if (w.start <= t && t < w.end) return true;
  }
  return false;
}

}  // namespace shiming::rules
