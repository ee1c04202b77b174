#include "authority_verifier.h"

namespace shiming::authority {

AuthorityVerifier::AuthorityVerifier(const sdk::PluginInit& init) : host_(init.host) {}

sdk::Result<std::shared_ptr<AuthorityClient>> AuthorityVerifier::client_for(
    const nlohmann::json& params) {
  const std::string key = params.dump();
  {
    std::lock_guard lock(mu_);
    if (auto it = clients_.find(key); it != clients_.end()) return it->second;
  }
  auto settings = parse_authority_settings(params, host_.data_dir());
  if (!settings) return settings.error();
  auto https = HttpsClient::create(settings->tls);
  if (!https) return https.error();
  std::lock_guard lock(mu_);
  if (auto it = clients_.find(key); it != clients_.end()) return it->second;
  auto& breaker = breakers_[settings->endpoint];
  if (!breaker) breaker = std::make_shared<CircuitBreaker>(settings->breaker);
  auto client = std::make_shared<AuthorityClient>(std::move(settings).value(), *https, breaker);
  clients_[key] = client;
  return client;
}

sdk::Finding AuthorityVerifier::run(sdk::VerificationContext& ctx) {
  auto client = client_for(ctx.params());
  if (!client) {
    const auto& e = client.error();
    ctx.logger().error("authority step misconfigured: " + e.code + " " + e.message);
    auto f = error_finding(e.code, e.message, e.message_zh);
    if (!e.field.empty()) f.details["field"] = e.field;
    return f;
  }
  const auto& subject = ctx.subject();
  if (subject.identity.id_number.empty() || subject.identity.name.empty())
    return error_finding("AUTHORITY_NO_IDENTITY",
                         "The case has no declared name or ID number to compare.",
                         "该申请没有可比对的姓名或身份证号码。");

  const auto& settings = (*client)->settings();
  nlohmann::json precheck = "off";
  if (settings.local_face_precheck) {
    sdk::Verifier* face = host_.verifier("face_match");
    if (!face) {
      precheck = "face_match not loaded";
    } else {
      sdk::Finding local = face->verify(ctx);
      precheck = sdk::to_string(local.outcome);
      if (local.outcome == sdk::Outcome::fail) {
        auto f = local_face_mismatch_finding();
        f.details["local_precheck"] = precheck;
        f.details["local_score"] = local.score;
        for (const auto& r : local.reasons) f.details["local_reasons"].push_back(r.code);
        return f;
      }
    }
  }

  CheckRequest request;
  request.case_id = subject.id;
  request.name = subject.identity.name;
  request.id_number = subject.identity.id_number;
  request.idempotency_key = random_hex(16);
  if (settings.send_photo) {
    if (auto face = ctx.evidence(sdk::evidence_kind::kFace)) {
      request.photo = std::string(face->data.begin(), face->data.end());
      request.photo_content_type = face->content_type;
    }
  }
  auto f = (*client)->check(request, ctx.clock(), ctx.logger());
  f.details["local_precheck"] = precheck;
  return f;
}

}  // namespace shiming::authority
