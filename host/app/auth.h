#pragma once
// Who is calling: citizen tokens (ct_..., one case each) and staff sessions
// (st_..., from POST /api/v1/auth/login). Tokens are stored only as SHA-256.
#include <string>

#include "shiming/sdk/http.h"
#include "shiming/sdk/result.h"
#include "storage/records.h"

namespace shiming {

class Hub;

struct LoginResult {
  std::string token;
  std::string expires_at;
  std::string role;
  std::string province;
  std::string username;
};

class Auth {
 public:
  explicit Auth(Hub& hub) : hub_(hub) {}
  // Reads `Authorization: Bearer <token>`. No header: anonymous. A header with
  // a token that is unknown, expired or malformed: error INVALID_TOKEN (401).
  // For a citizen token, `citizen_case` (when given) receives the case record
  // already read, so the handler need not read it again.
  sdk::Result<sdk::Actor> resolve(const sdk::HttpRequest& request,
                                  storage::CaseRecord* citizen_case = nullptr);
  // Errors: LOGIN_FAILED (401), LOGIN_LOCKED (429, retry_after set).
  sdk::Result<LoginResult> login(const std::string& username, const std::string& password,
                                 int* retry_after_seconds);
  void logout(const std::string& token);

 private:
  Hub& hub_;
};

}  // namespace shiming
