#include "check_service.h"

#include <chrono>

#include "shiming/authority/protocol.h"

namespace shiming::authority_sim {
namespace {

using authority::Answer;

// RFC 2253 subject "CN=a,O=b" contains the component CN=<cn> exactly.
bool subject_has_cn(const std::string& subject, const std::string& cn) {
  std::size_t start = 0;
  while (start <= subject.size()) {
    std::size_t end = subject.find(',', start);
    if (end == std::string::npos) end = subject.size();
    if (subject.compare(start, end - start, "CN=" + cn) == 0) return true;
    start = end + 1;
  }
  return false;
}

bool valid_idempotency_key(std::string_view k) {
  if (k.empty() || k.size() > 64) return false;
  for (char c : k)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return false;
  return true;
}

constexpr std::size_t kMaxStoredAnswers = 200'000;

}  // namespace

nlohmann::json SimStats::to_json() const {
  nlohmann::json a = nlohmann::json::object();
  for (std::size_t i = 0; i < answers.size(); ++i)
    a[authority::to_string(static_cast<Answer>(i))] = answers[i].load();
  return {{"requests", requests.load()},
          {"answers", a},
          {"refused", refused.load()},
          {"injected", {{"unavailable", injected_unavailable.load()},
                        {"malformed_json", injected_malformed.load()},
                        {"reset", injected_reset.load()},
                        {"slow_body", injected_slow.load()}}},
          {"idempotent_replays", idempotent_replays.load()}};
}

CheckService::CheckService(const SimConfig& config, Registry registry,
                           std::unique_ptr<PhotoComparer> photos, FaultState& faults,
                           ConnectionMarks& marks)
    : config_(config),
      registry_(std::move(registry)),
      photos_(std::move(photos)),
      faults_(faults),
      marks_(marks),
      replay_(2 * config.timestamp_window_seconds) {}

sdk::HttpResponse CheckService::refuse(int status, const std::string& code,
                                       const std::string& message, const std::string& message_zh) {
  ++stats_.refused;
  return sdk::HttpResponse::error(status, {code, message, message_zh, ""});
}

bool CheckService::within_rate_limit(const ClientConfig& client, std::int64_t now) {
  if (client.rate_limit_per_second <= 0) return true;
  std::lock_guard lock(mu_);
  auto& [second, count] = rate_[client.id];
  if (second != now) {
    second = now;
    count = 0;
  }
  return ++count <= client.rate_limit_per_second;
}

nlohmann::json CheckService::answer(const nlohmann::json& body, const std::string& photo) {
  const std::string id = body["id_number"].get<std::string>();
  const std::string name = body["name"].get<std::string>();
  nlohmann::json out = {{"request_id", body["request_id"]}};
  const Citizen* c = registry_.find(id);
  Answer a = Answer::match;
  if (!c) {
    a = Answer::id_not_found;
  } else if (c->cancelled) {
    a = Answer::id_cancelled;
    if (!c->cancel_reason.empty()) out["cancel_reason"] = c->cancel_reason;
  } else if (c->name != name) {
    a = Answer::name_mismatch;
  } else if (!photo.empty()) {
    // See photo_comparer.h for what "similarity" means per method.
    auto sim = photos_->similarity(photo, *c);
    double similarity = sim ? *sim : 0.0;
    if (!sim) out["photo_problem"] = sim.error().code;
    out["similarity"] = similarity;
    out["photo_method"] = photos_->method();
    if (similarity < config_.photo_match_threshold) a = Answer::photo_mismatch;
  }
  out["result"] = authority::to_string(a);
  ++stats_.answers[static_cast<std::size_t>(a)];
  return out;
}

sdk::HttpResponse CheckService::handle(const sdk::HttpRequest& req) {
  ++stats_.requests;
  // Through the fault proxy: a neutral mark first, so a fault of an earlier
  // answer on this kept-alive connection does not carry over.
  const bool proxied = req.remote_address.rfind("127.77.", 0) == 0;
  if (proxied) marks_.mark(req.remote_address, ConnectionMark{});
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();

  // 1. Who is calling: the client id and its certificate.
  const std::string client_id(req.header(authority::kHeaderClient));
  const ClientConfig* client = nullptr;
  for (const auto& c : config_.clients)
    if (c.id == client_id) client = &c;
  if (!client)
    return refuse(401, "UNKNOWN_CLIENT", "Unknown client id.", "未知的客户端标识。");
  if (!subject_has_cn(req.client_cert_subject, client->cert_subject_cn))
    return refuse(403, "CERTIFICATE_MISMATCH",
                  "The client certificate does not belong to this client id.",
                  "客户端证书与客户端标识不符。");

  // 2. Timestamp window, nonce shape, signature, then nonce freshness.
  const std::string ts(req.header(authority::kHeaderTimestamp));
  long long ts_value = 0;
  if (ts.empty() || ts.size() > 12 || ts.find_first_not_of("0123456789") != std::string::npos)
    return refuse(400, "BAD_TIMESTAMP", "The timestamp must be Unix seconds.", "时间戳必须是 Unix 秒数。");
  ts_value = std::stoll(ts);
  if (ts_value < now - config_.timestamp_window_seconds || ts_value > now + config_.timestamp_window_seconds)
    return refuse(401, "STALE_TIMESTAMP", "The request timestamp is outside the allowed window.",
                  "请求时间戳超出允许范围。");
  const std::string nonce(req.header(authority::kHeaderNonce));
  if (!authority::well_formed_nonce(nonce))
    return refuse(400, "BAD_NONCE", "The nonce must be 32 lower-case hex digits.", "随机数必须是32位小写十六进制。");
  const std::string signature(req.header(authority::kHeaderSignature));
  if (!authority::signature_matches(client->hmac_key, req.method, req.path, ts, nonce, req.body, signature))
    return refuse(401, "BAD_SIGNATURE", "The request signature is not valid.", "请求签名无效。");
  if (!replay_.first_use(client->id, nonce, now))
    return refuse(401, "NONCE_REPLAYED", "This nonce was already used.", "该随机数已被使用。");

  const std::string key(req.header(authority::kHeaderIdempotencyKey));
  if (!valid_idempotency_key(key))
    return refuse(400, "BAD_IDEMPOTENCY_KEY", "Idempotency-Key must be 1-64 characters [A-Za-z0-9_-].",
                  "Idempotency-Key 必须是1到64位字母、数字、下划线或连字符。");

  // 3. Rate limit and injected faults.
  if (!within_rate_limit(*client, now)) {
    ++stats_.answers[static_cast<std::size_t>(Answer::rate_limited)];
    auto r = sdk::HttpResponse::json(429, {{"result", "rate_limited"}, {"retry_after", 1}});
    r.headers.emplace_back("Retry-After", "1");
    return r;
  }
  const FaultDraw fault = faults_.draw();
  if (fault.unavailable) {
    ++stats_.injected_unavailable;
    ++stats_.answers[static_cast<std::size_t>(Answer::unavailable)];
    auto r = sdk::HttpResponse::json(503, {{"result", "unavailable"}, {"retry_after", 1}});
    r.headers.emplace_back("Retry-After", "1");
    return r;
  }
  ConnectionMark mark;
  mark.delay_ms = fault.latency_ms;
  if (fault.reset) { mark.reset = true; ++stats_.injected_reset; }
  if (fault.slow) { mark.slow = true; mark.slow_ms = fault.slow_body_ms; ++stats_.injected_slow; }
  if (proxied && (mark.reset || mark.slow || mark.delay_ms > 0)) marks_.mark(req.remote_address, mark);

  // 4. The request body.
  const std::string body_hash = authority::sha256_hex(req.body);
  const std::string store_key = client->id + "\n" + key;
  {
    std::lock_guard lock(mu_);
    if (auto it = idempotent_.find(store_key); it != idempotent_.end()) {
      if (it->second.body_hash != body_hash)
        return refuse(422, "IDEMPOTENCY_KEY_REUSED",
                      "This idempotency key was used with a different request.",
                      "该幂等键已用于另一个请求。");
      ++stats_.idempotent_replays;
      sdk::HttpResponse r;
      r.body = it->second.response;
      r.headers.emplace_back("Idempotent-Replay", "true");
      return r;
    }
  }
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (!body.is_object() || !body.contains("request_id") || !body["request_id"].is_string() ||
      !body.contains("name") || !body["name"].is_string() || !body.contains("id_number") ||
      !body["id_number"].is_string())
    return refuse(400, "BAD_REQUEST", "The body must be JSON with request_id, name and id_number.",
                  "请求体必须是包含 request_id、name、id_number 的 JSON。");
  std::string photo;
  if (body.contains("photo")) {
    if (!body["photo"].is_string())
      return refuse(400, "BAD_PHOTO", "photo must be a base64 string.", "photo 必须是 base64 字符串。");
    auto decoded = authority::base64_decode(body["photo"].get<std::string>());
    if (!decoded || decoded->empty())
      return refuse(400, "BAD_PHOTO", "photo is not valid base64.", "photo 不是有效的 base64。");
    photo = std::move(*decoded);
  }

  nlohmann::json out = answer(body, photo);
  std::string text = out.dump();
  {
    std::lock_guard lock(mu_);
    if (idempotent_.size() >= kMaxStoredAnswers) idempotent_.clear();
    idempotent_[store_key] = Stored{body_hash, text};
  }
  sdk::HttpResponse r;
  if (fault.malformed) {
    ++stats_.injected_malformed;
    r.body = text.substr(0, text.size() / 2);  // cut mid-document: not JSON
  } else {
    r.body = std::move(text);
  }
  return r;
}

}  // namespace shiming::authority_sim
