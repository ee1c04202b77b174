#pragma once
// The host's HTTP API: registers every route on the router.
#include "http/router.h"
#include "shiming/sdk/http.h"
#include "shiming/sdk/result.h"

namespace shiming {

class Hub;
class WorkerPool;
class Auth;

struct ApiContext {
  Hub& hub;
  Auth& auth;
  WorkerPool& workers;
};

void register_routes(http::Router& router, ApiContext& ctx);

// The HTTP status for an error code (one table for the whole API).
int status_for(const std::string& code);
// Codes a channel plugin's check_submit returned: requirements the submitter must still meet,
// answered 422 from then on (the host cannot list every plugin's codes in advance).
void note_submit_requirement_code(const std::string& code);
sdk::HttpResponse error_response(const sdk::Error& e);

}  // namespace shiming
