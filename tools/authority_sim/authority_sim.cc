#include "authority_sim.h"

#include "fault_proxy.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"
#include "shiming/authority/protocol.h"

namespace shiming::authority_sim {

AuthoritySim::AuthoritySim(SimConfig config) : config_(std::move(config)), faults_(config_.faults) {}

AuthoritySim::~AuthoritySim() { stop(); }

sdk::Result<std::unique_ptr<AuthoritySim>> AuthoritySim::create(SimConfig config) {
  auto registry = Registry::load(config.registry_file);
  if (!registry) return registry.error();
  std::unique_ptr<PhotoComparer> photos;
  const bool want_face = config.photo_comparison == "face" ||
                         (config.photo_comparison == "auto" && face_comparison_built());
  if (want_face) {
    auto face = make_face_comparer();
    if (!face) return face.error();
    photos = std::move(face).value();
  } else {
    photos = make_sha256_comparer();
  }
  if (auto s = photos->prepare(*registry); !s) return s.error();
  std::unique_ptr<AuthoritySim> sim(new AuthoritySim(std::move(config)));
  sim->service_ = std::make_unique<CheckService>(sim->config_, std::move(registry).value(),
                                                 std::move(photos), sim->faults_, sim->marks_);
  sim->metrics_ = std::make_unique<http::Metrics>();
  sim->router_ = std::make_unique<http::Router>();
  CheckService* service = sim->service_.get();
  sim->router_->add("POST", std::string(authority::kCheckPath),
                    [service](sdk::HttpRequest& r) { return service->handle(r); },
                    http::RouteOptions{16u << 20});
  sim->router_->add("GET", "/healthz", [service](sdk::HttpRequest&) {
    return sdk::HttpResponse::json(200, {{"status", "ok"}, {"photo_comparison", service->photo_method()}});
  });

  sim->admin_router_ = std::make_unique<http::Router>();
  AuthoritySim* self = sim.get();
  sim->admin_router_->add("GET", "/healthz", [](sdk::HttpRequest&) {
    return sdk::HttpResponse::json(200, {{"status", "ok"}});
  });
  sim->admin_router_->add("GET", "/admin/faults", [self](sdk::HttpRequest&) {
    return sdk::HttpResponse::json(200, to_json(self->faults_.get()));
  });
  sim->admin_router_->add("PUT", "/admin/faults", [self](sdk::HttpRequest& r) {
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (j.is_discarded())
      return sdk::HttpResponse::error(400, {"BAD_JSON", "The body is not JSON.", "请求体不是 JSON。", ""});
    Faults f = self->faults_.get();
    if (auto s = apply_json(f, j); !s) return sdk::HttpResponse::error(400, s.error());
    self->faults_.set(f);
    return sdk::HttpResponse::json(200, to_json(f));
  });
  sim->admin_router_->add("GET", "/admin/stats", [self](sdk::HttpRequest&) {
    return sdk::HttpResponse::json(200, self->service_->stats().to_json());
  });
  return sim;
}

sdk::Status AuthoritySim::start() {
  http::ServerOptions inner;
  inner.address = "127.0.0.1";
  inner.port = 0;
  inner.io_threads = config_.io_threads;
  inner.tls_cert_file = config_.cert_file;
  inner.tls_key_file = config_.key_file;
  inner.tls_client_ca_file = config_.client_ca_file;
  inner.tls_require_client_cert = true;
  inner.access_log = false;
  inner.shutdown_grace = std::chrono::seconds(2);
  inner_ = std::make_unique<http::Server>(inner, *router_, *metrics_);
  if (auto s = inner_->start(); !s) return s;

  ProxyUpstreams up;
  up.normal_port = inner_->port();
  if (!config_.expired_cert_file.empty()) {
    http::ServerOptions ex = inner;
    ex.io_threads = 1;
    ex.tls_cert_file = config_.expired_cert_file;
    ex.tls_key_file = config_.expired_key_file;
    expired_ = std::make_unique<http::Server>(ex, *router_, *metrics_);
    if (auto s = expired_->start(); !s) return s;
    up.expired_port = expired_->port();
  }
  proxy_ = std::make_unique<FaultProxy>(config_.address, config_.port, up, faults_, marks_);
  if (auto s = proxy_->start(); !s) return s;

  if (config_.admin_enabled) {
    http::ServerOptions ad;
    ad.address = config_.admin_address;
    ad.port = config_.admin_port;
    ad.io_threads = 1;
    ad.access_log = false;
    ad.shutdown_grace = std::chrono::seconds(1);
    admin_ = std::make_unique<http::Server>(ad, *admin_router_, *metrics_);
    if (auto s = admin_->start(); !s) return s;
  }
  threads_.emplace_back([this] { inner_->run(); });
  if (expired_) threads_.emplace_back([this] { expired_->run(); });
  if (admin_) threads_.emplace_back([this] { admin_->run(); });
  proxy_thread_ = std::thread([this] { proxy_->run(); });
  return {};
}

void AuthoritySim::stop() {
  if (stopped_) return;
  stopped_ = true;
  // The proxy first, destroyed so its upstream connections close and the
  // inner servers have nothing left to wait for.
  if (proxy_) proxy_->stop();
  if (proxy_thread_.joinable()) proxy_thread_.join();
  proxy_.reset();
  if (inner_) inner_->stop();
  if (expired_) expired_->stop();
  if (admin_) admin_->stop();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

unsigned short AuthoritySim::port() const { return proxy_ ? proxy_->port() : 0; }
std::uint64_t AuthoritySim::connections_accepted() const {
  return proxy_ ? proxy_->connections_accepted() : 0;
}
unsigned short AuthoritySim::admin_port() const { return admin_ ? admin_->port() : 0; }

}  // namespace shiming::authority_sim
