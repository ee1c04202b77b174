#pragma once
// The `authority` verifier: compares the declared name, ID number and (when
// the rules say so) the live photo with the national identity authority.
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "authority_client.h"
#include "shiming/sdk/plugin.h"

namespace shiming::authority {

class AuthorityVerifier : public sdk::VerifierBase {
 public:
  explicit AuthorityVerifier(const sdk::PluginInit& init);
  static sdk::ConfigSchema config_schema() { return {}; }
  static sdk::ConfigSchema rules_schema() { return authority_rules_schema(); }

  // The face is optional: sent when present and send_photo is on.
  std::vector<std::string> evidence_needed() const override { return {}; }

 protected:
  sdk::Finding run(sdk::VerificationContext& context) override;

 private:
  // The client for these params (one per distinct settings; breakers shared per endpoint).
  sdk::Result<std::shared_ptr<AuthorityClient>> client_for(const nlohmann::json& params);

  sdk::Host& host_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<AuthorityClient>> clients_;   // guarded by mu_
  std::map<std::string, std::shared_ptr<CircuitBreaker>> breakers_;   // guarded by mu_
};

}  // namespace shiming::authority
