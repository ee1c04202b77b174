#pragma once
// Beast-free pieces of one request/response exchange, shared by the session
// code: the server's own error envelopes, request ids, calling a handler
// safely, finishing response headers and the access log.
#include <chrono>
#include <string>
#include <string_view>

#include "http/router.h"
#include "shiming/sdk/http.h"

namespace shiming::http::detail {

// The envelope for an error the server produces itself: 400 BAD_REQUEST,
// 404 NOT_FOUND, 405 METHOD_NOT_ALLOWED, 408 REQUEST_TIMEOUT, 413 BODY_TOO_LARGE,
// 431 HEADERS_TOO_LARGE, 500 INTERNAL, 503 SHUTTING_DOWN.
sdk::HttpResponse server_error(int status);

// The incoming X-Request-Id if it is sane (1-128 of [A-Za-z0-9._:-]), else a
// fresh random 32-hex-digit id.
std::string make_request_id(std::string_view incoming);

// Runs the handler. An exception is logged (with the request id and route) and
// becomes a 500 INTERNAL envelope; its text never reaches the client.
sdk::HttpResponse call_handler(const Handler& handler, sdk::HttpRequest& request,
                               std::string_view pattern);

// True when the handler already set this header (case-insensitive).
bool has_header(const sdk::HttpResponse& response, std::string_view name);

// Headers whose framing the server owns; a handler's value is ignored.
bool is_framing_header(std::string_view name);

// One access-log line: method, route pattern (never the raw path or query),
// status, duration, request id, remote address.
void log_access(std::string_view method, std::string_view pattern, int status,
                std::chrono::nanoseconds duration, std::string_view request_id,
                std::string_view remote);

// "Sat, 28 Nov 2026 12:00:00 GMT", cached per thread for the current second.
const std::string& http_date_now();

}  // namespace shiming::http::detail
