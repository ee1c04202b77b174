#pragma once
// The running host: configuration, database, keys, repositories, loaded
// plugins and province rules, and the sdk::Host services plugins see.
// Built once at start-up by Hub::create(); everything below lives as long as it.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/log.h"
#include "core/plugin_loader.h"
#include "crypto/keyring.h"
#include "http/metrics.h"
#include "rules/host_config.h"
#include "rules/rules_registry.h"
#include "storage/audit_log.h"
#include "storage/candidate_repo.h"
#include "storage/case_repo.h"
#include "storage/database.h"
#include "storage/decision_repo.h"
#include "storage/evidence_repo.h"
#include "storage/finding_repo.h"
#include "storage/job_queue.h"
#include "storage/record_repo.h"
#include "storage/user_repo.h"

namespace shiming {

class CaseService;
class NotificationCenter;

struct LoadedPlugin {
  PluginLibrary library;
  std::shared_ptr<sdk::PluginObject> object;  // keeps the library loaded
  std::unique_ptr<sdk::Host> host_view;       // the plugin's own view (its logger)
  nlohmann::json config;
};

class SystemClock : public sdk::Clock {
 public:
  std::chrono::system_clock::time_point now() const override { return std::chrono::system_clock::now(); }
};

// The system clock shifted by an offset an admin sets (testing.settable_clock).
// Threads read it while the offset changes: the offset is one atomic.
class SettableClock : public sdk::Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::now() + std::chrono::nanoseconds(offset_ns_.load());
  }
  void set_offset(std::chrono::nanoseconds offset) { offset_ns_.store(offset.count()); }
  std::chrono::nanoseconds offset() const { return std::chrono::nanoseconds(offset_ns_.load()); }
  // Moves the clock so that now() reads `t` at this instant (and runs on from there).
  void set_now(std::chrono::system_clock::time_point t) {
    set_offset(std::chrono::duration_cast<std::chrono::nanoseconds>(t - std::chrono::system_clock::now()));
  }

 private:
  std::atomic<std::int64_t> offset_ns_{0};
};

class Hub : public sdk::Host {
 public:
  // Opens everything in order: keys, database (migrated), plugin libraries,
  // rules (validated against the plugins' schemas), plugin objects. Any error
  // is one clear message naming what failed.
  static sdk::Result<std::unique_ptr<Hub>> create(rules::HostConfig config, http::Metrics& metrics);
  ~Hub() override;

  // sdk::Host
  sdk::Clock& clock() override { return *clock_; }
  sdk::Logger& logger() override { return logger_; }
  sdk::Cases& cases() override;
  sdk::EvidenceStore& evidence() override;
  sdk::RecordStore& records() override { return *records_; }
  std::optional<nlohmann::json> channel_settings(const std::string& province,
                                                 const std::string& channel) override;
  std::vector<std::string> provinces() override;
  sdk::Verifier* verifier(const std::string& name) override;
  // The parent of the evidence directory (--data-dir DIR gives DIR).
  std::string data_dir() override;

  sdk::Channel* channel(const std::string& name);
  const std::vector<LoadedPlugin>& plugins() const { return plugins_; }
  CaseService& case_service() { return *case_service_; }
  NotificationCenter& notifications() { return *notifications_; }

  const rules::HostConfig& config() const { return config_; }
  rules::RulesRegistry& rules() { return *rules_; }
  storage::Database& db() { return *db_; }
  const crypto::Keyring& keys() const { return *keys_; }
  http::Metrics& metrics() { return metrics_; }

  storage::CandidateRepo candidates;
  storage::CaseRepo case_repo;
  storage::EvidenceRepo evidence_repo;
  storage::FindingRepo findings;
  storage::DecisionRepo decisions;
  storage::AuditLog audit;
  storage::JobQueue jobs;
  storage::UserRepo users;
  storage::SessionRepo sessions;

  // Replaces the clock (tests of deadlines run the host on a settable clock).
  // Only before any thread runs; at run time move a SettableClock instead.
  void set_clock(std::unique_ptr<sdk::Clock> clock) {
    settable_clock_ = dynamic_cast<SettableClock*>(clock.get());
    clock_ = std::move(clock);
  }
  // The clock an admin may move (host.yaml testing.settable_clock), else null.
  SettableClock* settable_clock() { return settable_clock_; }

 private:
  Hub(rules::HostConfig config, http::Metrics& metrics, std::unique_ptr<crypto::Keyring> keys,
      std::unique_ptr<storage::Database> db);
  sdk::Status load_plugins();

  rules::HostConfig config_;
  http::Metrics& metrics_;
  std::unique_ptr<crypto::Keyring> keys_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<sdk::Clock> clock_;
  SettableClock* settable_clock_ = nullptr;
  PluginLogger logger_{"host"};
  std::unique_ptr<storage::RecordRepo> records_;
  std::unique_ptr<CaseService> case_service_;
  std::unique_ptr<NotificationCenter> notifications_;
  std::unique_ptr<rules::RulesRegistry> rules_;
  std::map<std::string, rules::PluginInfo> plugin_infos_;
  std::vector<LoadedPlugin> plugins_;
  std::map<std::string, sdk::Verifier*> verifiers_;
  std::map<std::string, sdk::Channel*> channels_;
};

// Opens every lib*.so of a directory for its schemas (shimingctl rules check).
std::map<std::string, rules::PluginInfo> probe_plugin_dir(const std::string& dir,
                                                          std::vector<std::string>& errors);

}  // namespace shiming
