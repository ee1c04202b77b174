#pragma once
// Shared pieces of the route handlers.
#include <initializer_list>
#include <string>

#include "app/api.h"
#include "app/auth.h"
#include "app/hub.h"

namespace shiming::api {

// Resolves the caller; when `roles` is not empty the caller must have one of them.
// On failure `response` holds the error to send.
bool authorize(ApiContext& ctx, sdk::HttpRequest& req, std::initializer_list<const char*> roles,
               sdk::HttpResponse& response, storage::CaseRecord* citizen_case = nullptr);

inline sdk::HttpResponse ok(const nlohmann::json& j, int status = 200) {
  return sdk::HttpResponse::json(status, j);
}

// Staff of the case's province (or a national admin) may see it; citizens only their own.
bool may_see_case(const sdk::Actor& actor, const storage::CaseRecord& c);

// The case as a citizen or staff member sees it (personal data masked).
nlohmann::json case_json(Hub& hub, const storage::CaseRecord& c, bool staff);

}  // namespace shiming::api
