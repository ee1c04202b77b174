#pragma once
// Structured logging for the host. Every line goes through redact_pii(), so a
// full ID number never reaches a log file even if a caller forgets to mask it.
#include <memory>
#include <string>
#include <string_view>

#include <spdlog/logger.h>

#include "shiming/sdk/services.h"

namespace shiming {

// Replaces anything shaped like an 18- or 15-digit resident ID number with its
// masked form (110105********0021).
std::string redact_pii(std::string_view text);

struct LogOptions {
  std::string level = "info";  // debug, info, warn, error
  std::string file;            // empty: stderr only
  bool json = true;            // one JSON object per line
};

// Installs the process-wide logger. Safe to call again (replaces it).
void init_logging(const LogOptions& options);
std::shared_ptr<spdlog::logger> host_logger();

// Logs one event with a message and optional structured fields, redacted.
void log_event(spdlog::level::level_enum level, std::string_view message,
               const nlohmann::json& fields = nlohmann::json::object());

// The SDK Logger for one plugin: every line names the plugin.
class PluginLogger : public sdk::Logger {
 public:
  explicit PluginLogger(std::string plugin) : plugin_(std::move(plugin)) {}
  void log(sdk::LogLevel level, std::string_view message) override;

 private:
  std::string plugin_;
};

}  // namespace shiming
