#include "http/metrics.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace shiming::http {
namespace {

bool valid_metric_name(std::string_view n, bool label) {
  if (n.empty()) return false;
  for (std::size_t i = 0; i < n.size(); ++i) {
    char c = n[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (!label && c == ':');
    bool digit = c >= '0' && c <= '9';
    if (!(alpha || (i > 0 && digit))) return false;
  }
  return true;
}

void append_escaped_label(std::string& out, std::string_view v) {
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
}

void append_number(std::string& out, double v) {
  if (std::isnan(v)) { out += "NaN"; return; }
  if (std::isinf(v)) { out += v > 0 ? "+Inf" : "-Inf"; return; }
  char buf[32];
  for (int precision = 15; precision <= 17; ++precision) {  // shortest form that round-trips
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  out += buf;
}

void append_labels(std::string& out, const std::map<std::string, std::string>& labels) {
  if (labels.empty()) return;
  out.push_back('{');
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out.push_back(',');
    first = false;
    out += k;
    out += "=\"";
    append_escaped_label(out, v);
    out.push_back('"');
  }
  out.push_back('}');
}

}  // namespace

void RouteMetrics::observe(int status, std::chrono::nanoseconds duration) {
  if (status >= 100 && status < 600)
    by_status_[static_cast<std::size_t>(status - 100)].fetch_add(1, std::memory_order_relaxed);
  const double seconds = std::chrono::duration<double>(duration).count();
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      buckets_[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<std::uint64_t>(duration.count() < 0 ? 0 : duration.count()),
                    std::memory_order_relaxed);
}

std::uint64_t RouteMetrics::count(int status) const {
  if (status < 100 || status >= 600) return 0;
  return by_status_[static_cast<std::size_t>(status - 100)].load(std::memory_order_relaxed);
}

Metrics::Metrics() = default;
Metrics::~Metrics() = default;

RouteMetrics& Metrics::route(std::string_view method, std::string_view pattern) {
  std::lock_guard lock(mu_);
  for (auto& r : routes_)
    if (r->method_ == method && r->pattern_ == pattern) return *r;
  routes_.push_back(std::make_unique<RouteMetrics>(std::string(method), std::string(pattern)));
  return *routes_.back();
}

void Metrics::counter_add(std::string name, std::map<std::string, std::string> labels, double v) {
  if (!valid_metric_name(name, false))
    throw std::invalid_argument("invalid metric name '" + name + "'");
  for (const auto& [k, _] : labels)
    if (!valid_metric_name(k, true) || k.rfind("__", 0) == 0)
      throw std::invalid_argument("invalid label name '" + k + "' on metric '" + name + "'");
  std::lock_guard lock(mu_);
  counters_[std::move(name)][std::move(labels)] += v;
}

double Metrics::counter_value(const std::string& name,
                              const std::map<std::string, std::string>& labels) const {
  std::lock_guard lock(mu_);
  auto it = counters_.find(name);
  if (it == counters_.end()) return 0;
  auto jt = it->second.find(labels);
  return jt == it->second.end() ? 0 : jt->second;
}

void Metrics::gauge_fn(std::string name, std::string help, std::function<double()> fn) {
  if (!valid_metric_name(name, false))
    throw std::invalid_argument("invalid metric name '" + name + "'");
  std::lock_guard lock(mu_);
  gauges_[std::move(name)] = Gauge{std::move(help), std::move(fn)};
}

void Metrics::remove_gauge(const std::string& name) {
  std::lock_guard lock(mu_);
  gauges_.erase(name);
}

std::string Metrics::render() const {
  std::string out;
  out.reserve(4096);
  std::unique_lock lock(mu_);

  out += "# HELP shiming_http_requests_total HTTP requests by method, route pattern and status.\n";
  out += "# TYPE shiming_http_requests_total counter\n";
  for (const auto& r : routes_) {
    for (std::size_t i = 0; i < r->by_status_.size(); ++i) {
      std::uint64_t n = r->by_status_[i].load(std::memory_order_relaxed);
      if (n == 0) continue;
      out += "shiming_http_requests_total";
      append_labels(out, {{"method", r->method_}, {"route", r->pattern_}, {"status", std::to_string(i + 100)}});
      out.push_back(' ');
      out += std::to_string(n);
      out.push_back('\n');
    }
  }

  out += "# HELP shiming_http_request_duration_seconds Time from request header to response ready.\n";
  out += "# TYPE shiming_http_request_duration_seconds histogram\n";
  for (const auto& r : routes_) {
    const std::uint64_t count = r->count_.load(std::memory_order_relaxed);
    if (count == 0) continue;
    std::uint64_t cumulative = 0;
    std::string labels = "{method=\"";
    append_escaped_label(labels, r->method_);
    labels += "\",route=\"";
    append_escaped_label(labels, r->pattern_);
    labels += "\"";
    for (std::size_t i = 0; i <= RouteMetrics::kBuckets.size(); ++i) {
      out += "shiming_http_request_duration_seconds_bucket";
      out += labels;
      out += ",le=\"";
      if (i < RouteMetrics::kBuckets.size()) {
        cumulative += r->buckets_[i].load(std::memory_order_relaxed);
        append_number(out, RouteMetrics::kBuckets[i]);
      } else {
        cumulative = std::max(cumulative, count);  // +Inf is the total count
        out += "+Inf";
      }
      out += "\"} ";
      out += std::to_string(cumulative);
      out.push_back('\n');
    }
    labels += "}";
    out += "shiming_http_request_duration_seconds_sum";
    out += labels;
    out.push_back(' ');
    append_number(out, static_cast<double>(r->sum_ns_.load(std::memory_order_relaxed)) / 1e9);
    out += "\nshiming_http_request_duration_seconds_count";
    out += labels;
    out.push_back(' ');
    out += std::to_string(count);
    out.push_back('\n');
  }

  out += "# HELP shiming_http_connections_open Open client connections.\n";
  out += "# TYPE shiming_http_connections_open gauge\n";
  out += "shiming_http_connections_open " +
         std::to_string(connections_.load(std::memory_order_relaxed)) + "\n";

  for (const auto& [name, series] : counters_) {
    out += "# TYPE " + name + " counter\n";
    for (const auto& [labels, v] : series) {
      out += name;
      append_labels(out, labels);
      out.push_back(' ');
      append_number(out, v);
      out.push_back('\n');
    }
  }
  // Gauge functions run without the lock: they may use this Metrics themselves.
  auto gauges = gauges_;
  lock.unlock();
  for (const auto& [name, g] : gauges) {
    out += "# HELP " + name + " ";
    for (char c : g.help) {  // HELP text escapes backslash and newline
      if (c == '\\') out += "\\\\";
      else if (c == '\n') out += "\\n";
      else out.push_back(c);
    }
    out += "\n# TYPE " + name + " gauge\n" + name + " ";
    double v = 0;
    try {
      v = g.fn ? g.fn() : 0;
    } catch (...) {
      v = std::nan("");
    }
    append_number(out, v);
    out.push_back('\n');
  }
  return out;
}

}  // namespace shiming::http
