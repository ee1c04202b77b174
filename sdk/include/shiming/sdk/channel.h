#pragma once
#include <cstddef>
#include <exception>
#include <boost/config.hpp>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "shiming/sdk/http.h"
#include "shiming/sdk/plugin_object.h"
#include "shiming/sdk/result.h"
#include "shiming/sdk/services.h"

namespace shiming::sdk {

// A document the channel accepts through PUT /api/v1/cases/{id}/documents/{kind}.
struct DocumentPolicy {
  std::string kind;
  std::vector<std::string> content_types;  // e.g. image/jpeg, image/png
  std::size_t max_bytes = 8u << 20;
  std::size_t max_pixels = 40'000'000;     // images: refused before full decode
  bool required = false;                   // must be present before submit
};

// A route the channel adds under /api/v1/channels/<channel name><path>.
struct RouteSpec {
  std::string id;                 // passed back to handle()
  std::string method;             // GET, POST, PUT, DELETE
  std::string path;               // e.g. "/submissions/{id}"
  std::vector<std::string> roles; // who may call; empty = the handler authenticates itself
  std::size_t max_body = 1u << 20;
};

class BOOST_SYMBOL_VISIBLE Channel : public PluginObject {
 public:
  Channel* as_channel() override { return this; }
  // Documents accepted on this channel, given the province's settings.
  virtual std::vector<DocumentPolicy> documents(const nlohmann::json& settings) const = 0;
  // Roles allowed to open a case on this channel through the host API.
  virtual std::vector<std::string> opener_roles() const = 0;
  virtual int default_sla_working_days() const = 0;
  // Channel-specific conditions before the pipeline may run. An error names what the submitter
  // must still do (its code and bilingual message reach them with HTTP 422).
  virtual Status check_submit(const CaseView& c, const std::vector<std::string>& evidence_present,
                              const nlohmann::json& settings) const noexcept = 0;
  virtual std::vector<RouteSpec> routes() const = 0;
  virtual HttpResponse handle(const std::string& route_id, const HttpRequest& request) noexcept = 0;
};

// Derive from this: handle() turns exceptions into a 500 envelope inside the plugin.
class ChannelBase : public Channel {
 public:
  HttpResponse handle(const std::string& route_id, const HttpRequest& request) noexcept final {
    try {
      return serve(route_id, request);
    } catch (const std::exception&) {
      return HttpResponse::error(500, {"INTERNAL", "Internal error in the channel plugin.",
                                       "渠道插件内部错误。", ""});
    } catch (...) {
      return HttpResponse::error(500, {"INTERNAL", "Internal error in the channel plugin.",
                                       "渠道插件内部错误。", ""});
    }
  }
  std::vector<RouteSpec> routes() const override { return {}; }

 protected:
  virtual HttpResponse serve(const std::string& route_id, const HttpRequest& request) {
    (void)route_id; (void)request;
    return HttpResponse::error(404, {"NOT_FOUND", "No such route.", "没有该接口。", ""});
  }
};

}  // namespace shiming::sdk
