#include "bank_channel.h"

#include <curl/curl.h>
#include <sodium.h>

#include <charconv>

#include "request_signing.h"

namespace shiming::bank {
namespace {

std::vector<std::string> image_types() { return {"image/jpeg", "image/png"}; }

long long unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string iso_time(std::chrono::system_clock::time_point t) {
  std::time_t s = std::chrono::system_clock::to_time_t(t) + 8 * 3600;
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
  return buf;
}

std::string random_hex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) { out += hex[c >> 4]; out += hex[c & 15]; }
  return out;
}

const char* status_zh(const std::string& s) {
  if (s == "collecting") return "资料提交中";
  if (s == "submitted") return "核验中";
  if (s == "pending_review") return "待审核";
  if (s == "verified") return "已实名";
  if (s == "rejected") return "未通过";
  if (s == "expired") return "未认证（已过期）";
  return "未知";
}

bool final_status(const std::string& s) { return s == "verified" || s == "rejected" || s == "expired"; }

sdk::HttpResponse fail(int status, std::string code, std::string en, std::string zh, std::string field = {}) {
  return sdk::HttpResponse::error(status, sdk::make_error(std::move(code), std::move(en), std::move(zh), std::move(field)));
}

int status_for(const std::string& code) {
  if (code == "CASE_EXISTS" || code == "ALREADY_VERIFIED" || code == "VERIFICATION_CLOSED" ||
      code == "TOO_MANY_ATTEMPTS" || code == "CASE_NOT_EDITABLE")
    return 409;
  if (code == "CHANNEL_DISABLED" || code == "FORBIDDEN" || code == "PROVINCE_NOT_FOUND") return 403;
  if (code == "BODY_TOO_LARGE") return 413;
  if (code == "UNSUPPORTED_MEDIA_TYPE") return 415;
  return 422;
}

// The path of a URL ("https://host:port/a/b?q" -> "/a/b").
std::string url_path(const std::string& url) {
  auto scheme = url.find("://");
  auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (slash == std::string::npos) return "/";
  return url.substr(slash, url.find('?', slash) - slash);
}

}  // namespace

BankChannel::BankChannel(const sdk::PluginInit& init)
    : host_(init.host), delivery_(parse_delivery_config(init.config)) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  static std::once_flag curl_once;
  std::call_once(curl_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  // The hub's webhook signing key: made on first start, kept encrypted in the record store.
  std::string seed;
  auto stored = host_.records().get("bank_keys", "webhook");
  if (!stored || !unb64(stored->value("seed", ""), seed) || seed.size() != crypto_sign_SEEDBYTES) {
    seed.assign(crypto_sign_SEEDBYTES, '\0');
    randombytes_buf(seed.data(), seed.size());
    auto put = host_.records().put("bank_keys", "webhook", {{"seed", b64(seed)}});
    if (!put.ok()) throw std::runtime_error("cannot store the webhook signing key: " + put.error().message);
  }
  crypto_sign_seed_keypair(hub_public_.data(), hub_secret_.data(), reinterpret_cast<const unsigned char*>(seed.data()));
  sodium_memzero(seed.data(), seed.size());
  outbox_ = std::make_unique<Outbox>(host_.records(), host_.clock(), host_.logger(), delivery_,
                                     [this](const nlohmann::json& item) { return send_webhook(item); });
  purged_until_bucket_ = unix_seconds(host_.clock().now()) / 600 - 7 * 24 * 6;
  if (delivery_.background) worker_ = std::thread([this] { loop(); });
}

BankChannel::~BankChannel() {
  stopping_ = true;
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
  sodium_memzero(hub_secret_.data(), hub_secret_.size());
}

std::vector<sdk::DocumentPolicy> BankChannel::documents(const nlohmann::json&) const {
  return {{sdk::evidence_kind::kIdFront, image_types(), 8u << 20, 40'000'000, true},
          {sdk::evidence_kind::kIdBack, image_types(), 8u << 20, 40'000'000, true},
          {sdk::evidence_kind::kFace, image_types(), 8u << 20, 40'000'000, true}};
}

sdk::Status BankChannel::check_submit(const sdk::CaseView& c, const std::vector<std::string>&,
                                      const nlohmann::json&) const noexcept {
  if (c.identity.name.empty() || c.identity.id_number.empty())
    return sdk::make_error("IDENTITY_INCOMPLETE", "The candidate's name and ID number are missing.",
                           "缺少考生姓名或身份证号码。", "identity");
  return sdk::Status::Ok();
}

std::vector<sdk::RouteSpec> BankChannel::routes() const {
  return {{"submit", "POST", "/submissions", {}, 32u << 20},
          {"poll", "GET", "/submissions/{id}", {}, 1024},
          {"public_key", "GET", "/public-key", {}, 1024}};
}

sdk::HttpResponse BankChannel::serve(const std::string& id, const sdk::HttpRequest& r) {
  if (id == "submit") return submit(r);
  if (id == "poll") return poll(r);
  if (id == "public_key") return public_key(r);
  return ChannelBase::serve(id, r);
}

sdk::Result<Caller> BankChannel::authenticate(const sdk::HttpRequest& r, int& status) {
  auto err = [&](int s, std::string code, std::string en, std::string zh) {
    status = s;
    return sdk::make_error(std::move(code), std::move(en), std::move(zh));
  };
  std::string province(r.header("X-Shiming-Province")), key_id(r.header("X-Shiming-Key-Id")),
      ts(r.header("X-Shiming-Timestamp")), nonce(r.header("X-Shiming-Nonce")), sig(r.header("X-Shiming-Signature"));
  if (province.empty() || key_id.empty() || ts.empty() || nonce.empty() || sig.empty())
    return err(401, "SIGNATURE_MISSING",
               "Sign the request: X-Shiming-Province, -Key-Id, -Timestamp, -Nonce and -Signature are required.",
               "请求未签名：缺少 X-Shiming-Province/Key-Id/Timestamp/Nonce/Signature 头。");
  auto raw = host_.channel_settings(province, "bank");
  if (!raw)
    return err(403, "CHANNEL_DISABLED", "The bank channel is not open in province '" + province + "'.",
               "该省份未开通银行代办渠道。");
  auto settings = parse_bank_settings(*raw);
  if (!settings) return err(500, settings.error().code, settings.error().message, settings.error().message_zh);
  const PartnerBank* bank = settings->by_key_id(key_id);
  if (!bank)
    return err(403, "BANK_UNKNOWN", "This key is not a partner bank's key in province '" + province + "'.",
               "该密钥不属于本省的合作银行。");
  if (!bank->enabled)
    return err(403, "BANK_DISABLED", "This bank is not enabled in province '" + province + "'.", "该银行在本省已停用。");
  if (bank->mutual_tls) {
    if (r.client_cert_subject.empty())
      return err(403, "CLIENT_CERT_REQUIRED", "This bank must connect with its TLS client certificate.",
                 "该银行须使用客户端证书（双向 TLS）连接。");
    if (!bank->client_cert_subject.empty() && r.client_cert_subject.find(bank->client_cert_subject) == std::string::npos)
      return err(403, "CLIENT_CERT_MISMATCH", "The client certificate does not belong to this bank.",
                 "客户端证书与该银行不符。");
  }
  long long t = 0;
  auto [p, ec] = std::from_chars(ts.data(), ts.data() + ts.size(), t);
  long long now = unix_seconds(host_.clock().now());
  if (ec != std::errc() || p != ts.data() + ts.size() || std::llabs(now - t) > delivery_.clock_skew_seconds)
    return err(401, "TIMESTAMP_STALE",
               "X-Shiming-Timestamp must be Unix seconds within " + std::to_string(delivery_.clock_skew_seconds) +
                   " s of the hub's clock (hub: " + std::to_string(now) + ").",
               "请求时间戳超出允许范围，请校准时钟。");
  if (!valid_nonce(nonce))
    return err(401, "NONCE_INVALID", "X-Shiming-Nonce must be 16 to 64 characters of [A-Za-z0-9_-].",
               "请求随机数格式错误。");
  std::string message = canonical_request(r.method, r.path, province, ts, nonce, r.body);
  bool good = false;
  if (bank->auth == "hmac_sha256") {
    auto secret = read_secret_file(bank->hmac_secret_file);
    if (!secret) {
      host_.logger().error("bank: " + bank->code + " HMAC secret unavailable: " + secret.error().message);
      return err(500, "BANK_KEY_UNAVAILABLE", "The hub cannot read this bank's key.", "服务端无法读取该银行的密钥。");
    }
    good = verify_hmac_sha256(message, sig, *secret);
  } else {
    auto text = read_secret_file(bank->public_key_file);
    auto pk = text ? parse_ed25519_public_key(*text) : sdk::Result<std::array<std::uint8_t, 32>>(text.error());
    if (!pk) {
      host_.logger().error("bank: " + bank->code + " public key unavailable: " + pk.error().message);
      return err(500, "BANK_KEY_UNAVAILABLE", "The hub cannot read this bank's key.", "服务端无法读取该银行的密钥。");
    }
    good = verify_ed25519(message, sig, *pk);
  }
  if (!good)
    return err(401, "SIGNATURE_INVALID", "The request signature does not verify.", "请求签名校验失败。");
  {
    std::lock_guard lock(nonce_mu_);
    std::string key = key_id + ":" + nonce;
    if (host_.records().get("bank_nonces", key))
      return err(401, "NONCE_REPLAYED", "This nonce was already used: the request is a replay.",
                 "该请求随机数已使用过（重放请求被拒绝）。");
    if (auto s = host_.records().put("bank_nonces", key, {{"at", now}}, std::to_string(now / 600)); !s)
      return err(500, s.error().code, s.error().message, s.error().message_zh);
  }
  return Caller{province, *bank};
}

nlohmann::json BankChannel::status_json(const nlohmann::json& s, const sdk::CaseView& c) const {
  return {{"submission_id", s.value("id", "")}, {"reference", s.value("reference", "")},
          {"bank", s.value("bank", "")}, {"branch_code", s.value("branch_code", "")},
          {"case_id", c.id}, {"status", c.status}, {"status_zh", status_zh(c.status)},
          {"expected_completion", c.due_at}, {"submitted_at", s.value("created_at", "")}};
}

sdk::HttpResponse BankChannel::submit(const sdk::HttpRequest& r) {
  int status = 401;
  auto caller = authenticate(r, status);
  if (!caller) return sdk::HttpResponse::error(status, caller.error());
  auto body = nlohmann::json::parse(r.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return fail(400, "BODY_NOT_JSON", "The request body must be a JSON object.", "请求内容应为 JSON 对象。", "body");
  auto str = [&](const nlohmann::json& j, const char* k) {
    return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
  };
  std::string reference = str(body, "reference"), branch = str(body, "branch_code"), op = str(body, "operator_id"),
              session = str(body, "exam_session");
  for (const auto& [k, v] : {std::pair{"reference", reference}, {"branch_code", branch}, {"operator_id", op}, {"exam_session", session}})
    if (v.empty() || v.size() > 64)
      return fail(400, "MISSING_FIELD", std::string("The field '") + k + "' is required (at most 64 characters).",
                  std::string("缺少字段或过长：") + k + "。", k);
  const auto& branches = caller->bank.branches;
  if (std::find(branches.begin(), branches.end(), branch) == branches.end())
    return fail(403, "BRANCH_UNKNOWN", "Branch '" + branch + "' is not a registered branch of " + caller->bank.code + ".",
                "该网点不是本银行登记的代办网点。", "branch_code");
  auto identity = body.value("identity", nlohmann::json::object());
  if (!identity.is_object()) identity = nlohmann::json::object();
  sdk::DeclaredIdentity id{str(identity, "name"), str(identity, "id_number"), str(identity, "sex"), str(identity, "phone")};
  id.extra = {{"bank", caller->bank.code}, {"branch_code", branch}, {"operator_id", op}};
  auto docs_json = body.value("documents", nlohmann::json::object());
  std::vector<sdk::Evidence> docs;
  for (const char* kind : {sdk::evidence_kind::kIdFront, sdk::evidence_kind::kIdBack, sdk::evidence_kind::kFace}) {
    if (!docs_json.is_object() || !docs_json.contains(kind) || !docs_json[kind].is_object())
      return fail(422, "MISSING_DOCUMENT", std::string("The document '") + kind + "' is required.",
                  std::string("缺少材料：") + kind + "。", std::string("documents.") + kind);
    sdk::Evidence e;
    e.kind = kind;
    e.content_type = str(docs_json[kind], "content_type");
    std::string raw;
    if (!unb64(str(docs_json[kind], "data"), raw) || raw.empty())
      return fail(400, "DOCUMENT_INVALID", std::string("documents.") + kind + ".data must be base64.",
                  "材料内容应为 base64 编码。", std::string("documents.") + kind);
    e.data.assign(raw.begin(), raw.end());
    e.meta = {{"bank", caller->bank.code}, {"branch_code", branch}, {"operator_id", op}};
    docs.push_back(std::move(e));
  }

  sdk::Actor actor{"bank", caller->bank.code, caller->province, "bank:" + caller->bank.code};
  std::lock_guard lock(submit_mu_);
  std::string ref_key = caller->province + "|" + caller->bank.key_id + "|" + reference;
  nlohmann::json sub;
  std::string case_id;
  if (auto ref = host_.records().get("bank_refs", ref_key)) {
    // The same reference again: idempotent; a case still collecting is completed now.
    auto existing = host_.records().get("bank_submissions", ref->value("submission_id", ""));
    if (existing) {
      sub = *existing;
      case_id = sub.value("case_id", "");
      auto c = host_.cases().get(case_id);
      if (c && c->status != "collecting") return sdk::HttpResponse::json(200, status_json(sub, *c));
    }
  }
  auto now = host_.clock().now();
  if (case_id.empty()) {
    auto opened = host_.cases().open({caller->province, "bank", session, id}, actor);
    if (!opened) return sdk::HttpResponse::error(status_for(opened.error().code), opened.error());
    case_id = opened->case_id;
    sub = {{"id", "bs_" + random_hex(12)}, {"province", caller->province}, {"bank", caller->bank.code},
           {"bank_key_id", caller->bank.key_id}, {"branch_code", branch}, {"operator_id", op},
           {"reference", reference}, {"case_id", case_id}, {"created_at", iso_time(now)},
           {"last_status", ""}, {"events", 0}};
    // Stored before the documents so nothing is lost when an upload is refused: the bank sends
    // the same reference again.
    if (auto s = host_.records().put("bank_submissions", sub["id"], sub, "active"); !s)
      return sdk::HttpResponse::error(500, s.error());
    if (auto s = host_.records().put("bank_refs", ref_key, {{"submission_id", sub["id"]}}); !s)
      return sdk::HttpResponse::error(500, s.error());
  }
  for (auto& e : docs)
    if (auto s = host_.cases().attach(case_id, std::move(e), actor); !s)
      return sdk::HttpResponse::error(status_for(s.error().code), s.error());
  if (auto s = host_.cases().submit(case_id, actor); !s) return sdk::HttpResponse::error(status_for(s.error().code), s.error());
  host_.logger().info("bank: submission " + sub.value("id", "") + " from " + caller->bank.code + "/" + branch +
                      " for " + sdk::mask_id_number(id.id_number) + " -> case " + case_id);
  auto c = host_.cases().get(case_id);
  if (!c) return sdk::HttpResponse::error(500, c.error());
  {
    // The first event ("submitted") is queued now, so it is never skipped by a fast pipeline.
    std::lock_guard tick_lock(tick_mu_);
    if (auto fresh = host_.records().get("bank_submissions", sub.value("id", ""))) sub = *fresh;
    record_change(sub.value("id", ""), sub, *c);
  }
  wake_.notify_all();
  return sdk::HttpResponse::json(202, status_json(sub, *c));
}

sdk::HttpResponse BankChannel::poll(const sdk::HttpRequest& r) {
  int status = 401;
  auto caller = authenticate(r, status);
  if (!caller) return sdk::HttpResponse::error(status, caller.error());
  auto sub = host_.records().get("bank_submissions", r.params.at("id"));
  if (!sub || sub->value("province", "") != caller->province || sub->value("bank_key_id", "") != caller->bank.key_id)
    return fail(404, "SUBMISSION_NOT_FOUND", "No such submission for this bank.", "没有找到该银行的此笔代办申请。", "id");
  auto c = host_.cases().get(sub->value("case_id", ""));
  if (!c) return sdk::HttpResponse::error(404, c.error());
  auto j = status_json(*sub, *c);
  j["webhooks_sent"] = sub->value("events", 0);
  return sdk::HttpResponse::json(200, j);
}

sdk::HttpResponse BankChannel::public_key(const sdk::HttpRequest&) {
  return sdk::HttpResponse::json(200, {{"algorithm", "Ed25519"},
                                       {"public_key", b64(std::string_view(reinterpret_cast<const char*>(hub_public_.data()), 32))},
                                       {"signed", "METHOD\\nPATH\\nPROVINCE\\nTIMESTAMP\\nNONCE\\nhex(SHA-256(body))"}});
}

void BankChannel::scan_status_changes() {
  for (auto& [key, sub] : host_.records().list("bank_submissions", "active")) {
    auto c = host_.cases().get(sub.value("case_id", ""));
    if (c) record_change(key, sub, *c);
  }
}

void BankChannel::record_change(const std::string& key, nlohmann::json& sub, const sdk::CaseView& c) {
  if (c.status == "collecting" || c.status == sub.value("last_status", "")) return;
  int seq = sub.value("events", 0) + 1;
  std::string province = sub.value("province", "");
  std::string url;
  if (auto raw = host_.channel_settings(province, "bank"))
    if (auto s = parse_bank_settings(*raw))
      if (const auto* b = s->by_key_id(sub.value("bank_key_id", ""))) url = b->callback_url;
  bool scheme_ok = url.rfind("https://", 0) == 0 || (delivery_.allow_http_callbacks && url.rfind("http://", 0) == 0);
  if (!url.empty() && scheme_ok) {
    char seq_text[16];
    std::snprintf(seq_text, sizeof seq_text, "%06d", seq);
    nlohmann::json event = status_json(sub, c);
    event["event"] = "status_changed";
    event["event_id"] = key + "#" + seq_text;
    event["sequence"] = seq;
    event["at"] = iso_time(host_.clock().now());
    if (auto s = outbox_->enqueue({key + "#" + seq_text, province, sub.value("bank_key_id", ""), url, event.dump()}); !s) {
      host_.logger().error("bank: webhook not queued for " + key + ": " + s.error().message);
      return;  // tried again on the next pass
    }
  } else if (!url.empty()) {
    host_.logger().warn("bank: callback URL of " + sub.value("bank", "") + " refused (https required)");
  }
  sub["last_status"] = c.status;
  sub["events"] = seq;
  (void)host_.records().put("bank_submissions", key, sub, final_status(c.status) ? "done" : "active");
}

PostResult BankChannel::send_webhook(const nlohmann::json& item) {
  std::string url = item.value("url", ""), body = item.value("body", ""), province = item.value("province", "");
  std::string ts = std::to_string(unix_seconds(host_.clock().now())), nonce = random_hex(16);
  std::string message = canonical_request("POST", url_path(url), province, ts, nonce, body);
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Type", "application/json"}, {"X-Shiming-Event-Id", item.value("id", "")},
      {"X-Shiming-Province", province},      {"X-Shiming-Timestamp", ts},
      {"X-Shiming-Nonce", nonce},            {"X-Shiming-Signature", sign_ed25519(message, hub_secret_)}};
  if (auto raw = host_.channel_settings(province, "bank"))
    if (auto s = parse_bank_settings(*raw))
      if (const auto* b = s->by_key_id(item.value("bank_key_id", "")); b && b->auth == "hmac_sha256")
        if (auto secret = read_secret_file(b->hmac_secret_file))
          headers.emplace_back("X-Shiming-Signature-Hmac", sign_hmac_sha256(message, *secret));
  return http_post(url, headers, body, delivery_.timeout_seconds, stopping_);
}

void BankChannel::purge_nonces() {
  long long current = unix_seconds(host_.clock().now()) / 600;
  // Keep the buckets a valid timestamp can still reach (±skew) plus a margin.
  long long keep_from = current - (2 * delivery_.clock_skew_seconds) / 600 - 2;
  for (long long b = purged_until_bucket_ + 1; b < keep_from && !stopping_; ++b)
    for (const auto& [key, v] : host_.records().list("bank_nonces", std::to_string(b)))
      (void)host_.records().remove("bank_nonces", key);
  purged_until_bucket_ = std::max(purged_until_bucket_, keep_from - 1);
}

void BankChannel::tick() {
  std::lock_guard lock(tick_mu_);
  scan_status_changes();
  outbox_->deliver_due();
  purge_nonces();
}

void BankChannel::loop() {
  while (!stopping_) {
    try {
      tick();
    } catch (const std::exception& e) {
      host_.logger().error(std::string("bank: background pass failed: ") + e.what());
    }
    std::unique_lock lock(wait_mu_);
    wake_.wait_for(lock, std::chrono::milliseconds(delivery_.poll_interval_ms), [this] { return stopping_.load(); });
  }
}

}  // namespace shiming::bank
