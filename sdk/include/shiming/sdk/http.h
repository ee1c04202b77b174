#pragma once
// Plain HTTP request/response types for routes that channel plugins register.
// Deliberately free of Beast so plugins compile fast and need no Boost.Asio.
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "shiming/sdk/result.h"

namespace shiming::sdk {

// Who is calling, as established by the host (token or session) or, for
// routes that authenticate themselves (e.g. signed bank requests), by the plugin.
struct Actor {
  std::string role;      // anonymous, citizen, clerk, reviewer, admin, bank, enterprise_hr, system
  std::string id;        // user id, case id for citizens, bank code, "system"
  std::string province;  // the province the actor is bound to ("" for citizens/anonymous)
  std::string display;   // safe to log (never a clear name or ID number)
};

struct HttpRequest {
  std::string method;
  std::string path;                             // without the query string
  std::map<std::string, std::string> params;    // path parameters, e.g. {id}
  std::map<std::string, std::string> query;     // decoded query parameters
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string request_id;
  std::string remote_address;
  std::string client_cert_subject;  // verified TLS client certificate subject (mutual TLS), else ""
  Actor actor;

  // Case-insensitive header lookup; empty when absent.
  std::string_view header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (k.size() != name.size()) continue;
      bool same = true;
      for (std::size_t i = 0; i < k.size() && same; ++i)
        same = (k[i] | 0x20) == (name[i] | 0x20);
      if (same) return v;
    }
    return {};
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static HttpResponse json(int status, const nlohmann::json& j) {
    HttpResponse r;
    r.status = status;
    r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return r;
  }
  // The one error envelope: {"error":{"code","message","message_zh","field"}}
  static HttpResponse error(int status, const Error& e) {
    nlohmann::json inner = {{"code", e.code}, {"message", e.message}, {"message_zh", e.message_zh}};
    if (!e.field.empty()) inner["field"] = e.field;
    return json(status, nlohmann::json{{"error", inner}});
  }
};

}  // namespace shiming::sdk
