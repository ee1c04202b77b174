#include "common/log.h"

#include <atomic>
#include <mutex>
#include <regex>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "shiming/sdk/pii.h"

namespace shiming {
namespace {

std::mutex g_mu;  // serialises (re)initialisation only
std::atomic<std::shared_ptr<spdlog::logger>> g_logger;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string redact_pii(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (is_digit(text[i]) && (i == 0 || !is_digit(text[i - 1]))) {
      std::size_t j = i;
      while (j < text.size() && is_digit(text[j])) ++j;
      std::size_t len = j - i;
      bool x_tail = len == 17 && j < text.size() && (text[j] == 'X' || text[j] == 'x');
      if (x_tail) { ++j; ++len; }
      if (len == 18 || len == 15) {
        out += sdk::mask_id_number(text.substr(i, len));
      } else {
        out.append(text.substr(i, len));
      }
      i = j;
    } else {
      out.push_back(text[i]);
      ++i;
    }
  }
  return out;
}

void init_logging(const LogOptions& options) {
  std::vector<spdlog::sink_ptr> sinks;
  sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  if (!options.file.empty())
    sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(options.file));
  auto logger = std::make_shared<spdlog::logger>("shiming", sinks.begin(), sinks.end());
  logger->set_level(spdlog::level::from_str(options.level));
  if (options.json)
    logger->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})", spdlog::pattern_time_type::utc);
  else
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v", spdlog::pattern_time_type::utc);
  // Warnings and errors reach the disk at once; the rest within a second, so
  // logging does not cost a write() per request.
  logger->flush_on(spdlog::level::warn);
  std::lock_guard lock(g_mu);
  spdlog::drop("shiming");
  spdlog::register_logger(logger);
  spdlog::flush_every(std::chrono::seconds(1));
  g_logger.store(logger);
}

std::shared_ptr<spdlog::logger> host_logger() {
  if (auto logger = g_logger.load()) return logger;
  std::lock_guard lock(g_mu);
  if (auto logger = g_logger.load()) return logger;
  auto logger = std::make_shared<spdlog::logger>(
      "shiming", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  logger->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})", spdlog::pattern_time_type::utc);
  g_logger.store(logger);
  return logger;
}

void log_event(spdlog::level::level_enum level, std::string_view message,
               const nlohmann::json& fields) {
  auto logger = host_logger();
  if (!logger->should_log(level)) return;
  nlohmann::json j = fields.is_object() ? fields : nlohmann::json::object();
  j["msg"] = std::string(message);
  std::string body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  // Strip the outer braces: the pattern supplies them around ts and level.
  body = body.substr(1, body.size() - 2);
  logger->log(level, redact_pii(body));
}

void PluginLogger::log(sdk::LogLevel level, std::string_view message) {
  static constexpr spdlog::level::level_enum map[] = {spdlog::level::debug, spdlog::level::info,
                                                       spdlog::level::warn, spdlog::level::err};
  log_event(map[static_cast<int>(level)], message, {{"plugin", plugin_}});
}

}  // namespace shiming
