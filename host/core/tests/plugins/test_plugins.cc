// Plugins that misbehave on purpose, for the loader tests. One source, built
// several times with a different TEST_PLUGIN_VARIANT each.
#include "shiming/sdk/plugin.h"

namespace {
using namespace shiming::sdk;

class TestVerifier : public VerifierBase {
 public:
  explicit TestVerifier(const PluginInit& init) {
#if TEST_PLUGIN_VARIANT == 2
    throw std::runtime_error("cannot open model file /nonexistent");
#endif
    (void)init;
  }
  static ConfigSchema config_schema() { return {}; }
  static ConfigSchema rules_schema() { return {}; }
  std::vector<std::string> evidence_needed() const override { return {}; }

 protected:
  Finding run(VerificationContext&) override { return Finding::passed(); }
};
}  // namespace

#if TEST_PLUGIN_VARIANT == 1
#undef SHIMING_SDK_VERSION_MAJOR
#define SHIMING_SDK_VERSION_MAJOR 2
#undef SHIMING_SDK_VERSION_MINOR
#define SHIMING_SDK_VERSION_MINOR 0
#endif

#if TEST_PLUGIN_VARIANT != 3
SHIMING_PLUGIN("verifier", "test_plugin", "0.0.1", "loader test", TestVerifier)
#else
extern "C" BOOST_SYMBOL_EXPORT int not_a_shiming_plugin() { return 42; }
#endif
