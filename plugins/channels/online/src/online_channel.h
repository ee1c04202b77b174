// The `online` channel: the citizen's own path (open a case, upload the ID card photos and
// optionally a face photo and a liveness video, submit). The host serves the generic routes;
// this plugin declares the documents, who may open a case, the SLA and the submit conditions.
#pragma once

#include <shiming/sdk/plugin.h>

namespace shiming::online {

inline constexpr int kDefaultSlaWorkingDays = 3;

class OnlineChannel : public sdk::ChannelBase {
 public:
  explicit OnlineChannel(const sdk::PluginInit& init);

  static sdk::ConfigSchema config_schema() { return {}; }
  static sdk::ConfigSchema rules_schema();

  // id-front, id-back (required), face (required when face_required), liveness-video
  // (required when liveness_required). Throws std::invalid_argument on invalid settings (the
  // host validates them against rules_schema() first).
  std::vector<sdk::DocumentPolicy> documents(const nlohmann::json& settings) const override;
  std::vector<std::string> opener_roles() const override { return {"citizen"}; }
  int default_sla_working_days() const override { return kDefaultSlaWorkingDays; }
  // MISSING_DOCUMENT (field = the first missing kind, message naming all of them) or
  // IDENTITY_INCOMPLETE (no name or ID number declared) or CHANNEL_SETTINGS_INVALID.
  sdk::Status check_submit(const sdk::CaseView& c, const std::vector<std::string>& evidence_present,
                           const nlohmann::json& settings) const noexcept override;
};

}  // namespace shiming::online
