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
sdk::HttpResponse error_response(const sdk::Error& e);

}  // namespace shiming
