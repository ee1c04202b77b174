#pragma once
// One province's connection to its authority gateway: signs each attempt,
// retries with backoff on unavailable/5xx/reset/timeout only, consults the
// endpoint's circuit breaker and turns whatever happened into a Finding.
// Thread-safe; shared by all workers.
#include <memory>
#include <optional>
#include <string>

#include "authority_settings.h"
#include "circuit_breaker.h"
#include "https_client.h"
#include "shiming/sdk/finding.h"
#include "shiming/sdk/services.h"

namespace shiming::authority {

struct CheckRequest {
  std::string case_id;          // for logs only
  std::string name;             // clear text: never logged
  std::string id_number;        // clear text: never logged unmasked
  std::optional<std::string> photo;  // image bytes
  std::string photo_content_type;
  std::string idempotency_key;  // one per check, the same for its attempts
};

class AuthorityClient {
 public:
  AuthorityClient(AuthoritySettings settings, std::shared_ptr<HttpsClient> https,
                  std::shared_ptr<CircuitBreaker> breaker);

  sdk::Finding check(const CheckRequest& request, sdk::Clock& clock, sdk::Logger& log) const;

  const AuthoritySettings& settings() const { return settings_; }
  CircuitBreaker& breaker() const { return *breaker_; }

 private:
  AuthoritySettings settings_;
  std::shared_ptr<HttpsClient> https_;
  std::shared_ptr<CircuitBreaker> breaker_;
};

// The JSON body of a check (see docs/authority-protocol.md).
std::string check_body(const CheckRequest& request);

}  // namespace shiming::authority
