#include "common/log.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <regex>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "common/access_log.h"
#include "shiming/sdk/pii.h"

namespace shiming {
namespace {

std::mutex g_mu;  // serialises (re)initialisation only
std::atomic<std::shared_ptr<spdlog::logger>> g_logger;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A file descriptor (standard error, the log file) written in batches: lines
// are appended to a buffer that is written out when it passes 64 KiB and on
// every flush: at once for a warning or an error (flush_on), each second
// (flush_every), and for standard error after every log_event() line. Only the
// per-request access lines (http/exchange.cc) wait for one of those, so serving
// a request costs no write() of its own.
class BatchedFdSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  BatchedFdSink(int fd, bool owned) : fd_(fd), owned_(owned) {}
  ~BatchedFdSink() override {
    std::lock_guard lock(mutex_);
    write_out();
    if (owned_) ::close(fd_);
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    formatter_->format(msg, buffer_);
    if (buffer_.size() >= kBatchBytes) write_out();
  }
  void flush_() override { write_out(); }

 private:
  static constexpr std::size_t kBatchBytes = 64 * 1024;
  void write_out() {
    const char* p = buffer_.data();
    std::size_t left = buffer_.size();
    while (left > 0) {
      const ssize_t n = ::write(fd_, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // nowhere to write (closed, disk full): the lines are dropped
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    buffer_.clear();
  }
  int fd_;
  bool owned_;
  spdlog::memory_buf_t buffer_;
};

std::atomic<std::shared_ptr<BatchedFdSink>> g_stderr;
std::atomic<std::shared_ptr<spdlog::logger>> g_access;  // null: the host logger

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
  auto err = std::make_shared<BatchedFdSink>(STDERR_FILENO, false);
  sinks.push_back(err);
  if (!options.file.empty()) {
    const int fd = ::open(options.file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0)
      throw spdlog::spdlog_ex("cannot open log file " + options.file + ": " + std::strerror(errno));
    sinks.push_back(std::make_shared<BatchedFdSink>(fd, true));
  }
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
  // Access lines: to the log file alone when there is one (the same sink, so the
  // file keeps every line in order), else to stderr.
  std::shared_ptr<spdlog::logger> access;
  if (sinks.size() > 1) {
    access = std::make_shared<spdlog::logger>("shiming-access", sinks.back());
    access->set_level(logger->level());
  }
  if (auto old = g_stderr.exchange(err)) old->flush();
  g_access.store(access);
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

std::shared_ptr<spdlog::logger> access_logger() {
  if (auto access = g_access.load()) return access;
  return host_logger();
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
  // Not an access line: out at once (and with it the access lines before it).
  if (auto err = g_stderr.load()) err->flush();
}

void PluginLogger::log(sdk::LogLevel level, std::string_view message) {
  static constexpr spdlog::level::level_enum map[] = {spdlog::level::debug, spdlog::level::info,
                                                       spdlog::level::warn, spdlog::level::err};
  log_event(map[static_cast<int>(level)], message, {{"plugin", plugin_}});
}

}  // namespace shiming
