#include "http/exchange.h"

#include <charconv>
#include <cstdio>
#include <ctime>
#include <exception>
#include <random>

#include "common/access_log.h"
#include "common/log.h"

#include <spdlog/logger.h>

namespace shiming::http::detail {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  return true;
}

// True when `s` holds 15 or more digits in a row (the shortest ID number).
bool has_long_digit_run(std::string_view s) {
  std::size_t run = 0;
  for (char c : s) {
    run = (c >= '0' && c <= '9') ? run + 1 : 0;
    if (run >= 15) return true;
  }
  return false;
}

std::mt19937_64& request_id_engine() {
  thread_local std::mt19937_64 engine = [] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }();
  return engine;
}

}  // namespace

sdk::HttpResponse server_error(int status) {
  switch (status) {
    case 400:
      return sdk::HttpResponse::error(400, sdk::make_error("BAD_REQUEST", "The HTTP request is malformed.",
                                                           "HTTP 请求格式错误。"));
    case 404:
      return sdk::HttpResponse::error(404, sdk::make_error("NOT_FOUND", "No such resource.",
                                                           "请求的资源不存在。"));
    case 405:
      return sdk::HttpResponse::error(
          405, sdk::make_error("METHOD_NOT_ALLOWED", "This method is not allowed on this resource.",
                               "该资源不支持此请求方法。"));
    case 408:
      return sdk::HttpResponse::error(
          408, sdk::make_error("REQUEST_TIMEOUT", "The request was not received in time.",
                               "请求接收超时。"));
    case 413:
      return sdk::HttpResponse::error(
          413, sdk::make_error("BODY_TOO_LARGE", "The request body is larger than this endpoint accepts.",
                               "请求内容超过该接口允许的大小。"));
    case 431:
      return sdk::HttpResponse::error(
          431, sdk::make_error("HEADERS_TOO_LARGE", "The request headers are too large.",
                               "请求头过大。"));
    case 503:
      return sdk::HttpResponse::error(
          503, sdk::make_error("SHUTTING_DOWN", "The server is shutting down; please retry shortly.",
                               "服务正在停止，请稍后重试。"));
    default:
      return sdk::HttpResponse::error(
          500, sdk::make_error("INTERNAL", "An internal error occurred; it has been logged.",
                               "服务器内部错误，已记录。"));
  }
}

std::string make_request_id(std::string_view incoming) {
  if (!incoming.empty() && incoming.size() <= 128) {
    bool sane = true;
    for (char c : incoming) {
      sane = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '.' || c == '_' || c == ':' || c == '-';
      if (!sane) break;
    }
    if (sane) return std::string(incoming);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  auto& engine = request_id_engine();
  std::string id(32, '0');
  for (int half = 0; half < 2; ++half) {
    std::uint64_t v = engine();
    for (int i = 0; i < 16; ++i) {
      id[static_cast<std::size_t>(half * 16 + i)] = kHex[v & 0xF];
      v >>= 4;
    }
  }
  return id;
}

sdk::HttpResponse call_handler(const Handler& handler, sdk::HttpRequest& request,
                               std::string_view pattern) {
  try {
    return handler(request);
  } catch (const std::exception& e) {
    log_event(spdlog::level::err, "handler threw",
              {{"route", std::string(pattern)}, {"request_id", request.request_id},
               {"exception", e.what()}});
  } catch (...) {
    log_event(spdlog::level::err, "handler threw",
              {{"route", std::string(pattern)}, {"request_id", request.request_id},
               {"exception", "(not a std::exception)"}});
  }
  return server_error(500);
}

bool has_header(const sdk::HttpResponse& response, std::string_view name) {
  for (const auto& [k, v] : response.headers)
    if (iequals(k, name)) return true;
  return false;
}

bool is_framing_header(std::string_view name) {
  return iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding") ||
         iequals(name, "Connection") || iequals(name, "Keep-Alive") || iequals(name, "Upgrade") ||
         iequals(name, "X-Request-Id") || iequals(name, "Date");
}

// The access line is formatted by hand in the shape log_event() produces
// (fields plus "msg", redacted, through the host logger): building a
// nlohmann::json per request cost ~9 us against ~2 us for this.
void log_access(std::string_view method, std::string_view pattern, int status,
                std::chrono::nanoseconds duration, std::string_view request_id,
                std::string_view remote) {
  auto logger = access_logger();
  if (!logger->should_log(spdlog::level::info)) return;
  thread_local std::string line;
  line.clear();
  auto add_string = [](std::string& out, std::string_view key, std::string_view value) {
    out += '"';
    out += key;
    out += "\":\"";
    for (std::size_t i = 0; i < value.size();) {
      // Runs of plain characters are appended at once.
      std::size_t j = i;
      while (j < value.size() && value[j] != '"' && value[j] != '\\' && static_cast<unsigned char>(value[j]) >= 0x20)
        ++j;
      out.append(value.data() + i, j - i);
      if (j == value.size()) break;
      const char c = value[j];
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
        out += buf;
      }
      i = j + 1;
    }
    out += "\",";
  };
  add_string(line, "method", method);
  add_string(line, "route", pattern);
  line += "\"status\":";
  char num[32];
  auto end = std::to_chars(num, num + sizeof num, status).ptr;
  line.append(num, end);
  line += ",\"duration_ms\":";
  end = std::to_chars(num, num + sizeof num, static_cast<double>(duration.count()) / 1e6,
                      std::chars_format::fixed, 3).ptr;
  line.append(num, end);
  line += ',';
  add_string(line, "request_id", request_id);
  add_string(line, "remote", remote);
  line += "\"msg\":\"http request\"";
  // Every field is the server's own or checked (request ids are [A-Za-z0-9._:-]); only a
  // digit run as long as an ID number can need masking, so the redactor runs only then.
  if (has_long_digit_run(line))
    logger->log(spdlog::level::info, redact_pii(line));
  else
    logger->log(spdlog::level::info, std::string_view(line));
}

const std::string& http_date_now() {
  thread_local std::time_t cached_second = 0;
  thread_local std::string cached;
  std::time_t now = std::time(nullptr);
  if (now != cached_second || cached.empty()) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[64];
    std::size_t n = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached.assign(buf, n);
    cached_second = now;
  }
  return cached;
}

}  // namespace shiming::http::detail
