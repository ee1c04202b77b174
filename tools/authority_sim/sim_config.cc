#include "sim_config.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

namespace shiming::authority_sim {
namespace fs = std::filesystem;
namespace {

struct Reader {
  std::string file;
  fs::path base;

  sdk::Error error(const YAML::Node& n, const std::string& what) const {
    auto m = n.Mark();
    std::string where = file;
    if (!m.is_null()) where += ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
    return sdk::make_error("SIM_CONFIG_INVALID", where + ": " + what, where + "：模拟器配置错误：" + what);
  }

  // Refuses keys not in `known`.
  sdk::Status keys(const YAML::Node& map, std::set<std::string> known) const {
    if (!map.IsMap()) return error(map, "expected a mapping");
    for (const auto& kv : map) {
      auto k = kv.first.as<std::string>();
      if (!known.count(k)) {
        std::string list;
        for (const auto& s : known) list += (list.empty() ? "" : ", ") + s;
        return error(kv.first, "unknown key '" + k + "' (expected one of: " + list + ")");
      }
    }
    return {};
  }

  template <class T>
  sdk::Status get(const YAML::Node& map, const char* key, T& out) const {
    auto n = map[key];
    if (!n) return {};
    try {
      out = n.as<T>();
    } catch (const YAML::Exception&) {
      return error(n, std::string("'") + key + "' has the wrong type");
    }
    return {};
  }

  sdk::Status path(const YAML::Node& map, const char* key, std::string& out) const {
    std::string v;
    if (auto s = get(map, key, v); !s) return s;
    if (v.empty()) return {};
    fs::path p(v);
    out = (p.is_absolute() ? p : base / p).lexically_normal().string();
    return {};
  }
};

#define SIM_TRY(expr) \
  do {                \
    auto _s = (expr); \
    if (!_s) return _s.error(); \
  } while (0)

sdk::Result<std::string> read_secret(const Reader& r, const YAML::Node& n) {
  std::string file, env;
  if (auto s = r.path(n, "hmac_key_file", file); !s) return s.error();
  if (auto s = r.get(n, "hmac_key_env", env); !s) return s.error();
  if (file.empty() == env.empty())
    return r.error(n, "set exactly one of hmac_key_file and hmac_key_env");
  std::string key;
  if (!file.empty()) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return r.error(n["hmac_key_file"], "cannot read the key file " + file);
    std::ostringstream ss;
    ss << in.rdbuf();
    key = ss.str();
  } else {
    const char* v = std::getenv(env.c_str());
    if (!v) return r.error(n["hmac_key_env"], "environment variable " + env + " is not set");
    key = v;
  }
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' ')) key.pop_back();
  if (key.size() < 16) return r.error(n, "the HMAC key is shorter than 16 bytes");
  return key;
}

}  // namespace

sdk::Result<SimConfig> load_sim_config(const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file);
  } catch (const YAML::BadFile&) {
    return sdk::make_error("SIM_CONFIG_INVALID", "Cannot read " + file + ".", "无法读取 " + file + "。");
  } catch (const YAML::ParserException& e) {
    return sdk::make_error("SIM_CONFIG_INVALID",
                           file + ":" + std::to_string(e.mark.line + 1) + ":" +
                               std::to_string(e.mark.column + 1) + ": " + e.msg,
                           file + "：YAML 语法错误");
  }
  Reader r{file, fs::absolute(fs::path(file)).parent_path()};
  SimConfig c;
  SIM_TRY(r.keys(root, {"listen", "admin", "tls", "registry", "clients", "photo_match_threshold", "photo_comparison",
                        "timestamp_window_seconds", "io_threads", "faults"}));
  if (auto l = root["listen"]) {
    SIM_TRY(r.keys(l, {"address", "port"}));
    SIM_TRY(r.get(l, "address", c.address));
    SIM_TRY(r.get(l, "port", c.port));
  }
  if (auto a = root["admin"]) {
    SIM_TRY(r.keys(a, {"enabled", "address", "port"}));
    SIM_TRY(r.get(a, "enabled", c.admin_enabled));
    SIM_TRY(r.get(a, "address", c.admin_address));
    SIM_TRY(r.get(a, "port", c.admin_port));
  }
  auto tls = root["tls"];
  if (!tls) return r.error(root, "'tls' is required (cert_file, key_file, client_ca_file)");
  SIM_TRY(r.keys(tls, {"cert_file", "key_file", "client_ca_file", "expired_cert_file", "expired_key_file"}));
  SIM_TRY(r.path(tls, "cert_file", c.cert_file));
  SIM_TRY(r.path(tls, "key_file", c.key_file));
  SIM_TRY(r.path(tls, "client_ca_file", c.client_ca_file));
  SIM_TRY(r.path(tls, "expired_cert_file", c.expired_cert_file));
  SIM_TRY(r.path(tls, "expired_key_file", c.expired_key_file));
  if (c.cert_file.empty() || c.key_file.empty() || c.client_ca_file.empty())
    return r.error(tls, "cert_file, key_file and client_ca_file are required");
  SIM_TRY(r.path(root, "registry", c.registry_file));
  if (c.registry_file.empty()) return r.error(root, "'registry' (the citizens file) is required");
  SIM_TRY(r.get(root, "photo_match_threshold", c.photo_match_threshold));
  SIM_TRY(r.get(root, "photo_comparison", c.photo_comparison));
  if (c.photo_comparison != "auto" && c.photo_comparison != "face" && c.photo_comparison != "sha256")
    return r.error(root["photo_comparison"], "photo_comparison must be auto, face or sha256");
  SIM_TRY(r.get(root, "timestamp_window_seconds", c.timestamp_window_seconds));
  SIM_TRY(r.get(root, "io_threads", c.io_threads));
  if (c.io_threads < 1 || c.io_threads > 64) return r.error(root["io_threads"], "io_threads must be 1..64");

  auto clients = root["clients"];
  if (!clients || !clients.IsSequence() || clients.size() == 0)
    return r.error(root, "'clients' must list at least one client");
  for (const auto& n : clients) {
    SIM_TRY(r.keys(n, {"id", "cert_subject_cn", "hmac_key_file", "hmac_key_env", "rate_limit_per_second"}));
    ClientConfig cc;
    SIM_TRY(r.get(n, "id", cc.id));
    SIM_TRY(r.get(n, "cert_subject_cn", cc.cert_subject_cn));
    SIM_TRY(r.get(n, "rate_limit_per_second", cc.rate_limit_per_second));
    if (cc.id.empty() || cc.cert_subject_cn.empty())
      return r.error(n, "a client needs id and cert_subject_cn");
    auto key = read_secret(r, n);
    if (!key) return key.error();
    cc.hmac_key = *key;
    c.clients.push_back(std::move(cc));
  }

  if (auto f = root["faults"]) {
    nlohmann::json j = nlohmann::json::object();
    if (!f.IsMap()) return r.error(f, "'faults' must be a mapping");
    for (const auto& kv : f) {
      auto k = kv.first.as<std::string>();
      const auto& v = kv.second;
      try {
        if (k == "expired_certificate") j[k] = v.as<bool>();
        else if (k == "latency_ms" || k == "slow_body_ms") j[k] = v.as<long long>();
        else j[k] = v.as<double>();
      } catch (const YAML::Exception&) {
        return r.error(v, "'" + k + "' has the wrong type");
      }
    }
    if (auto s = apply_json(c.faults, j); !s) return r.error(f, s.error().message);
  }
  return c;
}

}  // namespace shiming::authority_sim
