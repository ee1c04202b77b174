// One HTTP(S) POST with a timeout (libcurl), abortable when the plugin stops.
#pragma once

#include <atomic>
#include <string>
#include <utility>
#include <vector>

namespace shiming::bank {

struct PostResult {
  int status = 0;        // HTTP status, 0 when no answer
  std::string error;     // transport error text, "" when an answer came
};

PostResult http_post(const std::string& url, const std::vector<std::pair<std::string, std::string>>& headers,
                     const std::string& body, int timeout_seconds, const std::atomic<bool>& abort);

}  // namespace shiming::bank
