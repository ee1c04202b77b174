#pragma once
// The logger of the per-request access lines (written by http/exchange.cc).
#include <memory>

#include <spdlog/logger.h>

namespace shiming {

// The log file alone when LogOptions::file is set (access lines are not copied
// to stderr), else stderr, with the host logger's format and level. Lines
// reach the file and stderr in batches: at once when a warning or an error is
// logged, on every log_event() line for stderr, else within a second.
std::shared_ptr<spdlog::logger> access_logger();

}  // namespace shiming
