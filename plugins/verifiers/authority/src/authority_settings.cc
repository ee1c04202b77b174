#include "authority_settings.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "shiming/sdk/services.h"

namespace shiming::authority {
namespace {

using sdk::ConfigField;
using sdk::FieldType;

ConfigField str(std::string name, bool required, std::string doc, std::string def = "") {
  ConfigField f;
  f.name = std::move(name);
  f.type = FieldType::string;
  f.required = required;
  if (!required) f.default_value = def;
  f.doc = std::move(doc);
  return f;
}

ConfigField integer(std::string name, long long def, double min, double max, std::string doc) {
  ConfigField f;
  f.name = std::move(name);
  f.type = FieldType::integer;
  f.default_value = def;
  f.min = min;
  f.max = max;
  f.doc = std::move(doc);
  return f;
}

ConfigField boolean(std::string name, bool def, std::string doc) {
  ConfigField f;
  f.name = std::move(name);
  f.type = FieldType::boolean;
  f.default_value = def;
  f.doc = std::move(doc);
  return f;
}

sdk::Error invalid(const std::string& field, const std::string& what, const std::string& what_zh) {
  return sdk::make_error("AUTHORITY_CONFIG_INVALID", "authority." + field + ": " + what,
                         "authority." + field + "：" + what_zh, field);
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t'))
    s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return s.substr(i);
}

}  // namespace

sdk::ConfigSchema authority_rules_schema() {
  sdk::ConfigSchema s;
  s.fields = {
      str("endpoint", true, "Gateway base URL, https://host[:port]"),
      str("client_id", true, "The province's client id at the gateway"),
      str("hmac_key_file", false, "File holding the HMAC-SHA256 request signing key (relative: under the host's data directory)"),
      str("hmac_key_env", false, "Environment variable holding the signing key (if no file)"),
      str("ca_file", true, "PEM CA(s) trusted for the gateway certificate (relative: under the data directory)"),
      str("client_cert_file", true, "PEM client certificate (mutual TLS; relative: under the data directory)"),
      str("client_key_file", true, "PEM client private key (a file, never inline; relative: under the data directory)"),
      integer("connect_timeout_ms", 3000, 10, 60000, "TCP connect timeout"),
      integer("total_timeout_ms", 10000, 50, 120000, "Whole request timeout"),
      integer("max_attempts", 3, 1, 10, "Attempts per check on unavailable/5xx/reset/timeout"),
      integer("backoff_base_ms", 200, 1, 60000, "First retry waits up to this (full jitter)"),
      integer("backoff_cap_ms", 2000, 1, 600000, "Longest wait between attempts"),
      integer("breaker_failure_threshold", 10, 1, 1000, "Failed attempts among the last breaker_window that open the breaker"),
      integer("breaker_window", 20, 1, 1000, "How many recent attempts the breaker looks at"),
      integer("breaker_open_seconds", 30, 1, 3600, "How long the breaker stays open"),
      integer("retry_after_seconds", 60, 1, 86400, "When the authority is down, re-run the job after"),
      boolean("send_photo", true, "Send the live photo (evidence 'face') for comparison"),
      boolean("local_face_precheck", false,
              "Compare live face and card portrait with face_match first, when it is loaded"),
  };
  ConfigField pm = str("photo_mismatch_outcome", false, "Outcome of photo_mismatch", "needs_review");
  pm.allowed = {"needs_review", "fail"};
  ConfigField ic = str("id_cancelled_outcome", false, "Outcome of id_cancelled", "fail");
  ic.allowed = {"needs_review", "fail"};
  s.fields.push_back(pm);
  s.fields.push_back(ic);
  return s;
}

sdk::Result<AuthoritySettings> parse_authority_settings(const nlohmann::json& params,
                                                        const std::string& base_dir) {
  if (!params.is_object())
    return invalid("params", "the step parameters must be a mapping", "步骤参数必须是映射");
  const auto schema = authority_rules_schema();
  nlohmann::json p = params;
  for (const auto& f : schema.fields) {
    if (!p.contains(f.name) || p[f.name].is_null()) {
      if (f.required) return invalid(f.name, "is required", "为必填项");
      p[f.name] = f.default_value;
    }
    const auto& v = p[f.name];
    bool type_ok = (f.type == FieldType::string && v.is_string()) ||
                   (f.type == FieldType::integer && v.is_number_integer()) ||
                   (f.type == FieldType::boolean && v.is_boolean());
    if (!type_ok) return invalid(f.name, "has the wrong type", "类型错误");
    if (f.type == FieldType::integer) {
      auto n = v.get<long long>();
      if ((f.min && n < *f.min) || (f.max && n > *f.max))
        return invalid(f.name, "is out of range", "超出允许范围");
    }
    if (!f.allowed.empty()) {
      auto s = v.get<std::string>();
      bool found = false;
      for (const auto& a : f.allowed) found = found || a == s;
      if (!found) return invalid(f.name, "must be needs_review or fail", "只能是 needs_review 或 fail");
    }
  }

  AuthoritySettings s;
  s.endpoint = p["endpoint"].get<std::string>();
  const std::string scheme = "https://";
  if (s.endpoint.rfind(scheme, 0) != 0)
    return invalid("endpoint", "must start with https://", "必须以 https:// 开头");
  std::string hostport = s.endpoint.substr(scheme.size());
  while (!hostport.empty() && hostport.back() == '/') hostport.pop_back();
  if (hostport.empty() || hostport.find('/') != std::string::npos)
    return invalid("endpoint", "must be https://host[:port] without a path",
                   "格式必须为 https://主机[:端口]，不含路径");
  if (auto colon = hostport.rfind(':'); colon != std::string::npos && hostport.front() != '[') {
    s.tls.host = hostport.substr(0, colon);
    s.tls.port = hostport.substr(colon + 1);
    if (s.tls.port.empty() || s.tls.port.find_first_not_of("0123456789") != std::string::npos)
      return invalid("endpoint", "has a bad port", "端口无效");
  } else {
    s.tls.host = hostport;
    s.tls.port = "443";
  }
  s.client_id = p["client_id"].get<std::string>();
  if (s.client_id.empty()) return invalid("client_id", "is empty", "不能为空");
  auto file = [&](const char* key) { return sdk::in_data_dir(base_dir, p[key].get<std::string>()); };
  s.tls.ca_file = file("ca_file");
  s.tls.client_cert_file = file("client_cert_file");
  s.tls.client_key_file = file("client_key_file");
  s.tls.connect_timeout = std::chrono::milliseconds(p["connect_timeout_ms"].get<long long>());
  s.tls.total_timeout = std::chrono::milliseconds(p["total_timeout_ms"].get<long long>());
  s.max_attempts = p["max_attempts"].get<int>();
  s.backoff.base = std::chrono::milliseconds(p["backoff_base_ms"].get<long long>());
  s.backoff.cap = std::chrono::milliseconds(p["backoff_cap_ms"].get<long long>());
  s.breaker.failure_threshold = p["breaker_failure_threshold"].get<int>();
  s.breaker.window = p["breaker_window"].get<int>();
  if (s.breaker.failure_threshold > s.breaker.window)
    return invalid("breaker_failure_threshold", "must not exceed breaker_window",
                   "不能大于 breaker_window");
  s.breaker.open_for = std::chrono::seconds(p["breaker_open_seconds"].get<long long>());
  s.retry_after = std::chrono::seconds(p["retry_after_seconds"].get<long long>());
  s.send_photo = p["send_photo"].get<bool>();
  s.local_face_precheck = p["local_face_precheck"].get<bool>();
  s.answers.on_photo_mismatch = p["photo_mismatch_outcome"] == "fail" ? sdk::Outcome::fail
                                                                      : sdk::Outcome::needs_review;
  s.answers.on_id_cancelled = p["id_cancelled_outcome"] == "needs_review"
                                  ? sdk::Outcome::needs_review
                                  : sdk::Outcome::fail;

  // The signing key: from a file or an environment variable, never inline.
  const auto key_file = file("hmac_key_file");
  const auto key_env = p["hmac_key_env"].get<std::string>();
  if (key_file.empty() == key_env.empty())
    return invalid("hmac_key_file", "set exactly one of hmac_key_file and hmac_key_env",
                   "hmac_key_file 与 hmac_key_env 必须且只能设置一个");
  if (!key_file.empty()) {
    std::ifstream in(key_file, std::ios::binary);
    if (!in)
      return sdk::make_error("AUTHORITY_SECRET_UNREADABLE", "Cannot read the HMAC key file " + key_file + ".",
                             "无法读取 HMAC 密钥文件 " + key_file + "。", "hmac_key_file");
    std::ostringstream ss;
    ss << in.rdbuf();
    s.hmac_key = trim(ss.str());
  } else {
    const char* v = std::getenv(key_env.c_str());
    if (!v)
      return sdk::make_error("AUTHORITY_SECRET_UNREADABLE",
                             "The environment variable " + key_env + " holding the HMAC key is not set.",
                             "未设置存放 HMAC 密钥的环境变量 " + key_env + "。", "hmac_key_env");
    s.hmac_key = trim(v);
  }
  if (s.hmac_key.size() < 16)
    return sdk::make_error("AUTHORITY_SECRET_UNREADABLE",
                           "The HMAC key is shorter than 16 bytes.", "HMAC 密钥短于16字节。",
                           key_file.empty() ? "hmac_key_env" : "hmac_key_file");
  return s;
}

}  // namespace shiming::authority
