#pragma once
// A province's authority settings (its pipeline step's params), typed, with
// the secrets read from the files or environment variables the rules name.
#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "backoff.h"
#include "circuit_breaker.h"
#include "findings.h"
#include "https_client.h"
#include "shiming/sdk/config_schema.h"
#include "shiming/sdk/result.h"

namespace shiming::authority {

struct AuthoritySettings {
  std::string endpoint;  // https://host[:port]
  std::string client_id;
  std::string hmac_key;  // the secret itself, never logged
  HttpsClientOptions tls;
  int max_attempts = 3;
  BackoffPolicy backoff;
  CircuitBreaker::Options breaker;
  std::chrono::seconds retry_after{60};
  bool send_photo = true;
  bool local_face_precheck = false;
  AnswerPolicy answers;
};

// The rules schema of the step (documented field by field).
sdk::ConfigSchema authority_rules_schema();

// Parses validated params (defaults applied again, so raw params work too) and
// reads the HMAC key. Errors: AUTHORITY_CONFIG_INVALID naming the field,
// AUTHORITY_SECRET_UNREADABLE naming the file or variable (never its content).
// Relative file paths (hmac_key_file, ca_file, client_cert_file, client_key_file) are
// resolved against `base_dir` when it is given: the host's data directory (SDK 1.2), so a
// province file means the same files whatever the host's working directory is.
sdk::Result<AuthoritySettings> parse_authority_settings(const nlohmann::json& params,
                                                        const std::string& base_dir = {});

}  // namespace shiming::authority
