#include "http/router.h"

#include <algorithm>
#include <set>
#include <string_view>
#include <stdexcept>

#include "http/url.h"

namespace shiming::http {
namespace {

sdk::Error bad_path() {
  return sdk::make_error("BAD_PATH",
                         "The request path is not allowed (bad escape, '..', or a forbidden character).",
                         "请求路径不合法（编码错误、包含“..”或不允许的字符）。");
}
sdk::Error not_found() {
  return sdk::make_error("NOT_FOUND", "No such resource.", "请求的资源不存在。");
}
sdk::Error method_not_allowed() {
  return sdk::make_error("METHOD_NOT_ALLOWED", "This method is not allowed on this resource.",
                         "该资源不支持此请求方法。");
}

bool valid_method(std::string_view m) {
  if (m.empty()) return false;
  return std::all_of(m.begin(), m.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool safe_param(std::string_view v) {
  if (v.empty()) return false;
  for (char ch : v) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '/' || c == '\\' || c < 0x20 || c == 0x7F) return false;
  }
  if (v.find("..") != std::string_view::npos) return false;
  return valid_utf8(v);
}

// Splits "/a/b" into {"a","b"}; "/" into {}. Returns false if not starting with '/'.
bool split_path(std::string_view path, std::vector<std::string_view>& out) {
  if (path.empty() || path[0] != '/') return false;
  if (path.size() == 1) return true;
  std::size_t pos = 1;
  while (true) {
    std::size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) {
      out.push_back(path.substr(pos));
      return true;
    }
    out.push_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
}

}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler, RouteOptions options) {
  if (!valid_method(method))
    throw std::invalid_argument("route method must be upper-case letters: '" + method + "'");
  if (!handler) throw std::invalid_argument("route " + method + " " + pattern + " has no handler");
  std::vector<std::string_view> raw;
  if (!split_path(pattern, raw))
    throw std::invalid_argument("route pattern must start with '/': '" + pattern + "'");
  Route route;
  std::set<std::string> names;
  for (std::string_view s : raw) {
    Segment seg;
    if (s.size() >= 2 && s.front() == '{' && s.back() == '}') {
      seg.param = true;
      seg.text = std::string(s.substr(1, s.size() - 2));
      bool ok = !seg.text.empty() && std::all_of(seg.text.begin(), seg.text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
      });
      if (!ok) throw std::invalid_argument("bad parameter name in route pattern '" + pattern + "'");
      if (!names.insert(seg.text).second)
        throw std::invalid_argument("parameter {" + seg.text + "} repeated in '" + pattern + "'");
    } else {
      if (s.empty() || s == "." || s == ".." ||
          s.find_first_of("{}%?#") != std::string_view::npos)
        throw std::invalid_argument("bad literal segment in route pattern '" + pattern + "'");
      seg.text = std::string(s);
    }
    route.segments.push_back(std::move(seg));
  }
  for (const Route& r : routes_) {
    if (r.method != method || r.segments.size() != route.segments.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < r.segments.size() && same; ++i) {
      const Segment& a = r.segments[i];
      const Segment& b = route.segments[i];
      same = a.param == b.param && (a.param || a.text == b.text);
    }
    if (same)
      throw std::invalid_argument("duplicate route " + method + " " + pattern + " (clashes with " +
                                  r.pattern + ")");
  }
  route.method = std::move(method);
  route.pattern = std::move(pattern);
  route.handler = std::move(handler);
  route.options = options;
  routes_.push_back(std::move(route));
}

RouteMatch Router::match(std::string_view method, std::string_view raw_path) const {
  RouteMatch m;
  auto fail = [&m](int status, sdk::Error e) {
    m.status = status;
    m.error = std::move(e);
    return std::move(m);
  };

  std::vector<std::string_view> raw;
  raw.reserve(8);
  if (!split_path(raw_path, raw)) return fail(400, bad_path());
  // Decode every segment once; '..' and '.' are refused whether escaped or not.
  std::vector<std::string> seg;
  seg.reserve(raw.size());
  for (std::string_view r : raw) {
    if (r.find('%') == std::string_view::npos) {
      seg.emplace_back(r);
    } else {
      auto d = percent_decode(r);
      if (!d) return fail(400, bad_path());
      seg.push_back(std::move(*d));
    }
    if (seg.back() == ".." || seg.back() == ".") return fail(400, bad_path());
  }

  const Route* best = nullptr;
  const Route* best_get = nullptr;  // HEAD falls back to GET
  std::vector<std::string_view> allowed;  // for 405, only filled when the path matches
  auto more_specific = [](const Route& a, const Route& b) {
    for (std::size_t i = 0; i < a.segments.size(); ++i)
      if (a.segments[i].param != b.segments[i].param) return !a.segments[i].param;
    return false;
  };
  for (const Route& r : routes_) {
    if (r.segments.size() != seg.size()) continue;
    bool ok = true;
    for (std::size_t i = 0; i < seg.size() && ok; ++i)
      ok = r.segments[i].param ? !seg[i].empty() : r.segments[i].text == seg[i];
    if (!ok) continue;
    if (r.method == method) {
      if (!best || more_specific(r, *best)) best = &r;
    } else {
      allowed.push_back(r.method);
      if (method == "HEAD" && r.method == "GET" && (!best_get || more_specific(r, *best_get))) best_get = &r;
    }
  }
  if (!best) best = best_get;
  if (!best) {
    if (allowed.empty()) return fail(404, not_found());
    if (std::find(allowed.begin(), allowed.end(), "GET") != allowed.end()) allowed.push_back("HEAD");
    std::sort(allowed.begin(), allowed.end());
    allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
    for (std::string_view a : allowed) {
      if (!m.allow.empty()) m.allow += ", ";
      m.allow += a;
    }
    return fail(405, method_not_allowed());
  }
  for (std::size_t i = 0; i < seg.size(); ++i) {
    if (!best->segments[i].param) continue;
    if (!safe_param(seg[i])) {
      sdk::Error e = bad_path();
      e.field = best->segments[i].text;
      return fail(400, std::move(e));
    }
    m.params.emplace(best->segments[i].text, std::move(seg[i]));
  }
  m.handler = &best->handler;
  m.options = best->options;
  m.pattern = best->pattern;
  m.route_index = static_cast<std::size_t>(best - routes_.data());
  return m;
}

std::vector<std::pair<std::string, std::string>> Router::routes() const {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(routes_.size());
  for (const Route& r : routes_) out.emplace_back(r.method, r.pattern);
  return out;
}

}  // namespace shiming::http
