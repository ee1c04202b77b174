#pragma once
// A running simulator with generated certificates, keys and a registry, and
// the real libauthority.so loaded through Boost.DLL. Shared by the tests and
// the benchmark (which define SHIMING_SOURCE_DIR and SHIMING_PLUGIN_DIR).
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <boost/dll/shared_library.hpp>

#include "authority_sim.h"
#include "shiming/sdk/plugin.h"
#include "shiming/sdk/testing/fakes.h"
#include "testing/test_pki.h"

namespace shiming::authority_sim::testing {

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Fictitious citizens (valid check digits are not needed by the gateway).
inline constexpr const char* kZhangId = "11010519491231002X";
inline constexpr const char* kZhangName = "张三";
inline constexpr const char* kLiId = "440305198806150048";
inline constexpr const char* kLiName = "李四";
inline constexpr const char* kWangId = "310104197001010012";  // cancelled
inline constexpr const char* kWangName = "王五";
inline constexpr const char* kUnknownId = "510107199901010013";

class SimEnv {
 public:
  // photo_comparison: auto (face when built with it), face or sha256.
  explicit SimEnv(const std::string& photo_comparison = "auto") {
    std::random_device rd;
    dir = (std::filesystem::temp_directory_path() /
           ("shiming-authority-" + std::to_string(rd()) + std::to_string(rd())))
              .string();
    pki = TestPki::create(dir + "/pki");
    write_file(dir + "/province.key", "test-province-signing-key-0123456789\n");
    write_file(dir + "/other.key", "other-province-signing-key-9876543210\n");
    portrait_file = std::string(SHIMING_SOURCE_DIR) + "/tests/data/face/chips/astronaut_face0.png";
    other_photo_file = std::string(SHIMING_SOURCE_DIR) + "/tests/data/face/chips/sample1_face0.png";
    write_file(dir + "/registry.yaml",
               std::string("citizens:\n") +
                   "  - {id_number: \"" + kZhangId + "\", name: " + kZhangName +
                   ", status: active, portrait: \"" + portrait_file + "\"}\n" +
                   "  - {id_number: \"" + kLiId + "\", name: " + kLiName + ", status: active}\n" +
                   "  - {id_number: \"" + kWangId + "\", name: " + kWangName +
                   ", status: cancelled, cancel_reason: reissued}\n");
    write_file(dir + "/sim.yaml",
               "listen: {address: 127.0.0.1, port: 0}\n"
               "admin: {enabled: true, address: 127.0.0.1, port: 0}\n"
               "tls:\n"
               "  cert_file: pki/server.pem\n  key_file: pki/server.key\n"
               "  client_ca_file: pki/ca.pem\n"
               "  expired_cert_file: pki/expired-server.pem\n  expired_key_file: pki/expired-server.key\n"
               "registry: registry.yaml\n"
               "io_threads: 4\n"
               "photo_comparison: " + photo_comparison + "\n"
               "clients:\n"
               "  - {id: test-province, cert_subject_cn: shiming-test-province, hmac_key_file: province.key}\n"
               "  - {id: other-province, cert_subject_cn: shiming-other-province, hmac_key_file: other.key,"
               " rate_limit_per_second: 1}\n");
    auto config = load_sim_config(dir + "/sim.yaml");
    if (!config) throw std::runtime_error(config.error().message);
    auto s = AuthoritySim::create(std::move(config).value());
    if (!s) throw std::runtime_error(s.error().message);
    sim = std::move(s).value();
    if (auto st = sim->start(); !st) throw std::runtime_error(st.error().message);
  }

  ~SimEnv() {
    sim.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  // Step params for the test province; tests adjust fields.
  nlohmann::json params() const {
    return {{"endpoint", "https://127.0.0.1:" + std::to_string(sim->port())},
            {"client_id", "test-province"},
            {"hmac_key_file", dir + "/province.key"},
            {"ca_file", pki.ca_cert},
            {"client_cert_file", pki.client_cert},
            {"client_key_file", pki.client_key},
            {"connect_timeout_ms", 2000},
            {"total_timeout_ms", 4000},
            {"max_attempts", 3},
            {"backoff_base_ms", 5},
            {"backoff_cap_ms", 20},
            {"breaker_failure_threshold", 20},
            {"breaker_open_seconds", 30},
            {"retry_after_seconds", 60}};
  }

  void set_faults(const nlohmann::json& j) {
    Faults f;  // everything off, then the given ones
    if (auto s = apply_json(f, j.is_null() ? nlohmann::json::object() : j); !s) throw std::runtime_error(s.error().message);
    sim->faults().set(f);
  }

  std::string dir;
  TestPki pki;
  std::string portrait_file, other_photo_file;
  std::unique_ptr<AuthoritySim> sim;
};

// The plugin loaded from the build's plugin folder, as the host loads it.
class LoadedPlugin {
 public:
  LoadedPlugin() {
    lib_ = std::make_shared<boost::dll::shared_library>(
        std::string(SHIMING_PLUGIN_DIR) + "/libauthority.so", boost::dll::load_mode::rtld_lazy);
    auto& create =
        lib_->get_alias<sdk::PluginCreateResult(const sdk::PluginInit&)>("shiming_plugin_create");
    nlohmann::json config = nlohmann::json::object();
    sdk::PluginInit init{config, host};
    auto r = create(init);
    if (!r) throw std::runtime_error(r.error().message);
    object_ = std::move(r).value();
    verifier = object_->as_verifier();
    if (!verifier) throw std::runtime_error("libauthority.so made no verifier");
  }
  ~LoadedPlugin() { object_.reset(); }

  sdk::testing::FakeHost host;
  sdk::Verifier* verifier = nullptr;

 private:
  std::shared_ptr<boost::dll::shared_library> lib_;
  std::unique_ptr<sdk::PluginObject> object_;
};

// A verification context for one case.
inline std::unique_ptr<sdk::testing::FakeVerificationContext> make_case(
    const nlohmann::json& params, const std::string& name, const std::string& id,
    const std::string& photo_file = "") {
  auto ctx = std::make_unique<sdk::testing::FakeVerificationContext>();
  static int n = 0;
  ctx->subject_.id = "case-" + std::to_string(++n);
  ctx->subject_.province = "test";
  ctx->subject_.identity.name = name;
  ctx->subject_.identity.id_number = id;
  ctx->params_ = params;
  if (!photo_file.empty()) {
    auto bytes = read_bytes(photo_file);
    ctx->items.push_back({"face", "image/png", std::vector<std::uint8_t>(bytes.begin(), bytes.end()), {}});
  }
  return ctx;
}

inline std::string codes(const sdk::Finding& f) {
  std::string s;
  for (const auto& r : f.reasons) s += r.code + " ";
  return s;
}

}  // namespace shiming::authority_sim::testing
