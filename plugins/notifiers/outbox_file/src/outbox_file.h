#pragma once
// The `outbox_file` notifier: appends every notification as one JSON line to a
// file (the host's outbox table is the durable queue; this file is a local,
// greppable record an office can feed to its own SMS or mail gateway). The
// line carries the outbox id, so a line written twice after a crash can be
// recognised. Contacts are written masked unless `include_contact` is set.
#include <mutex>
#include <string>

#include "shiming/sdk/plugin.h"

namespace shiming::notifiers {

class OutboxFileNotifier : public sdk::NotifierBase {
 public:
  explicit OutboxFileNotifier(const sdk::PluginInit& init);
  static sdk::ConfigSchema config_schema();
  static sdk::ConfigSchema rules_schema() { return {}; }

  const std::string& path() const { return path_; }
  // The JSON line written for a notification (without the newline).
  nlohmann::json line(const sdk::Notification& n) const;

 protected:
  sdk::NotifyResult run(const sdk::Notification& n) override;

 private:
  std::string path_;
  bool include_contact_ = false;
  bool fsync_ = true;
  std::mutex mu_;
};

// z***@example.cn
std::string mask_email(const std::string& email);

}  // namespace shiming::notifiers
