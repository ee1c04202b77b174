#pragma once
// Request routing: method + path pattern -> handler. Beast-free.
//
// Patterns are literal segments and {name} parameters:
//   /api/v1/cases/{id}/documents/{kind}
// When several patterns match a path, the most specific one wins: segments are
// compared left to right and a literal segment beats a parameter
// (/cases/search beats /cases/{id}). HEAD is answered by the GET handler.
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shiming/sdk/http.h"
#include "shiming/sdk/result.h"

namespace shiming::http {

using Handler = std::function<sdk::HttpResponse(sdk::HttpRequest&)>;

struct RouteOptions {
  std::size_t max_body = 64 * 1024;  // bytes; larger bodies get 413 BODY_TOO_LARGE
  // A quick handler (no blocking work: a few microseconds, e.g. a cached view)
  // runs on the I/O thread that read the request; the others run on the
  // server's handler threads (ServerOptions::handler_threads), so a slow one
  // never holds up the connections of its I/O thread.
  bool quick = false;
};

// The outcome of Router::match().
struct RouteMatch {
  int status = 200;                 // 200 found; else 400 (BAD_PATH), 404 or 405
  sdk::Error error;                 // set when status != 200
  std::string allow;                // for 405: "GET, HEAD, POST"
  const Handler* handler = nullptr;  // valid while the Router lives
  RouteOptions options;
  std::string_view pattern;          // the matched pattern (metrics, logs); valid while the Router lives
  std::size_t route_index = 0;       // index into routes(); stable after start-up
  std::map<std::string, std::string> params;  // percent-decoded path parameters
};

class Router {
 public:
  // Registers a route. Throws std::invalid_argument on a malformed pattern or
  // a duplicate (method, pattern) -- a programming error at start-up.
  void add(std::string method, std::string pattern, Handler handler, RouteOptions options = {});

  // Matches a raw request path (no query string, still percent-encoded).
  // Path safety: a `..` or `.` segment, a parameter that decodes to
  // something containing '/', '\\', a control character (NUL included), `..`
  // or invalid UTF-8, or a bad percent escape -> status 400 BAD_PATH.
  RouteMatch match(std::string_view method, std::string_view raw_path) const;

  // (method, pattern) of every route, in registration order.
  std::vector<std::pair<std::string, std::string>> routes() const;
  std::size_t size() const { return routes_.size(); }

 private:
  struct Segment {
    bool param = false;
    std::string text;  // literal text, or the parameter name
  };
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<Segment> segments;
    Handler handler;
    RouteOptions options;
  };
  std::vector<Route> routes_;
};

}  // namespace shiming::http
