#include "window_channel.h"

#include <sodium.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <sstream>

#include "receipt_render.h"

namespace shiming::window {
namespace {

std::vector<std::string> image_types() { return {"image/jpeg", "image/png"}; }

// The evidence kind holding the scan of an original (the ID card has two sides).
std::string scan_kind(const std::string& original) {
  std::string k = original;
  std::replace(k.begin(), k.end(), '_', '-');
  return k;
}

}  // namespace

sdk::HttpResponse fail(int status, const sdk::Error& e) { return sdk::HttpResponse::error(status, e); }
sdk::HttpResponse fail(int status, std::string code, std::string en, std::string zh, std::string field) {
  return fail(status, sdk::make_error(std::move(code), std::move(en), std::move(zh), std::move(field)));
}

sdk::Result<nlohmann::json> json_body(const sdk::HttpRequest& r) {
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return sdk::make_error("BODY_NOT_JSON", "The request body must be a JSON object.", "请求内容应为 JSON 对象。", "body");
  return j;
}

static std::tm china_tm(std::chrono::system_clock::time_point t) {
  std::time_t s = std::chrono::system_clock::to_time_t(t) + 8 * 3600;
  std::tm tm{};
  gmtime_r(&s, &tm);
  return tm;
}

std::string china_time(std::chrono::system_clock::time_point t) {
  std::tm tm = china_tm(t);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
  return buf;
}

std::string china_date(std::chrono::system_clock::time_point t) {
  std::tm tm = china_tm(t);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

sdk::ConfigSchema WindowChannel::config_schema() {
  sdk::ConfigSchema s;
  sdk::ConfigField tmpl;
  tmpl.name = "receipt_template_file";
  tmpl.default_value = "";
  tmpl.doc = "A mustache HTML template for receipts (absolute path); empty: templates/receipt/receipt.html.mustache as built in.";
  s.fields.push_back(tmpl);
  sdk::ConfigField url;
  url.name = "verify_url";
  url.default_value = "";
  url.doc = "Public URL of GET .../receipts/verify; the QR code then carries <verify_url>?token=...; empty: the token alone.";
  s.fields.push_back(url);
  return s;
}

WindowChannel::WindowChannel(const sdk::PluginInit& init) : host_(init.host) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  std::string file = init.config.value("receipt_template_file", "");
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot read receipt_template_file '" + file + "'");
    std::stringstream ss;
    ss << in.rdbuf();
    receipt_template_ = ss.str();
  } else {
    receipt_template_ = default_receipt_template();
  }
  verify_url_base_ = init.config.value("verify_url", "");

  // The receipt signing seed and the lookup key live encrypted in the record store, made on
  // first start (hosts sharing a database share them).
  auto stored = host_.records().get("window_keys", "receipt");
  std::string seed, lookup;
  if (!stored || !base64_decode(stored->value("seed", ""), seed) || !base64_decode(stored->value("lookup_key", ""), lookup) ||
      seed.size() != 32 || lookup.size() != 32) {
    seed = random_seed();
    lookup = random_seed();
    auto put = host_.records().put("window_keys", "receipt",
                                   {{"seed", base64_encode(seed)}, {"lookup_key", base64_encode(lookup)},
                                    {"created_at", china_time(host_.clock().now())}});
    if (!put.ok()) throw std::runtime_error("cannot store the receipt signing key: " + put.error().message);
  }
  auto keys = receipt_keys_from_seed(seed);
  if (!keys) throw std::runtime_error(keys.error().message);
  keys_ = *keys;
  lookup_key_ = lookup;
  host_.logger().info("window: receipt signing key " + keys_.key_id());
}

std::vector<sdk::DocumentPolicy> WindowChannel::documents(const nlohmann::json& settings) const {
  auto parsed = parse_window_settings(settings);
  if (!parsed) throw std::invalid_argument(parsed.error().message);
  std::vector<sdk::DocumentPolicy> docs;
  docs.push_back({sdk::evidence_kind::kIdFront, image_types(), 8u << 20, 40'000'000, true});
  docs.push_back({sdk::evidence_kind::kIdBack, image_types(), 8u << 20, 40'000'000, true});
  for (const auto& k : original_kinds()) {
    if (std::string(k.code) == "id_card") continue;
    bool required = std::find(parsed->required_originals.begin(), parsed->required_originals.end(), k.code) !=
                    parsed->required_originals.end();
    docs.push_back({scan_kind(k.code), {"image/jpeg", "image/png", "application/pdf"}, 8u << 20, 40'000'000, required});
  }
  docs.push_back({sdk::evidence_kind::kFace, image_types(), 8u << 20, 40'000'000, false});
  docs.push_back({sdk::evidence_kind::kFingerprint, {"application/octet-stream"}, 64u << 10, 0,
                  parsed->fingerprint_required});
  return docs;
}

sdk::Status WindowChannel::check_submit(const sdk::CaseView& c, const std::vector<std::string>& present,
                                        const nlohmann::json& settings) const noexcept {
  try {
    auto s = parse_window_settings(settings);
    if (!s) return s.error();
    if (c.identity.name.empty() || c.identity.id_number.empty())
      return sdk::make_error("IDENTITY_INCOMPLETE", "The candidate's name and ID number are missing.",
                             "缺少考生姓名或身份证号码。", c.identity.name.empty() ? "identity.name" : "identity.id_number");
    auto record = host_.records().get("window_counter", c.id);
    if (!record || !record->contains("originals"))
      return sdk::make_error("ORIGINALS_NOT_RECORDED",
                             "Record which originals were checked at the counter before submitting.",
                             "提交前请先登记已核验的证件原件。", "originals");
    std::vector<std::string> checked = (*record)["originals"].get<std::vector<std::string>>();
    std::string missing_en, missing_zh, first;
    for (const auto& req : s->required_originals) {
      if (std::find(checked.begin(), checked.end(), req) != checked.end()) continue;
      const auto* k = original_kind(req);
      missing_en += (missing_en.empty() ? "" : ", ") + std::string(k ? k->en : req.c_str());
      missing_zh += (missing_zh.empty() ? "" : "、") + std::string(k ? k->zh : req.c_str());
      if (first.empty()) first = req;
    }
    if (!first.empty())
      return sdk::make_error("MISSING_ORIGINALS", "The province requires these originals to be checked: " + missing_en + ".",
                             "本省要求核验以下原件：" + missing_zh + "。", first);
    for (const auto& doc : documents(settings))
      if (doc.required && std::find(present.begin(), present.end(), doc.kind) == present.end()) {
        if (doc.kind == sdk::evidence_kind::kFingerprint)
          return sdk::make_error("FINGERPRINT_REQUIRED", "Capture the candidate's fingerprint before submitting.",
                                 "提交前请采集考生指纹。", doc.kind);
        return sdk::make_error("MISSING_DOCUMENT", "Upload the scan '" + doc.kind + "' before submitting.",
                               "提交前请上传原件扫描件：" + doc.kind + "。", doc.kind);
      }
    return sdk::Status::Ok();
  } catch (const std::exception& e) {
    return sdk::make_error("CHANNEL_SETTINGS_INVALID", e.what(), "窗口渠道配置无效");
  }
}

std::vector<sdk::RouteSpec> WindowChannel::routes() const {
  return {
      {"offices", "GET", "/provinces/{province}/offices", {}, 1024},
      {"book", "POST", "/provinces/{province}/appointments", {}, 16u << 10},
      {"appointments", "GET", "/provinces/{province}/appointments", {"clerk"}, 1024},
      {"lookup", "POST", "/counter/lookup", {"clerk"}, 4096},
      {"counter_state", "GET", "/counter/cases/{id}", {"clerk"}, 1024},
      {"originals", "POST", "/counter/cases/{id}/originals", {"clerk"}, 16u << 10},
      {"face", "PUT", "/counter/cases/{id}/face", {"clerk"}, 8u << 20},
      {"fingerprint", "PUT", "/counter/cases/{id}/fingerprint", {"clerk"}, 64u << 10},
      {"receipt", "GET", "/counter/cases/{id}/receipt", {"clerk"}, 1024},
      {"verify", "GET", "/receipts/verify", {}, 1024},
      {"public_key", "GET", "/receipts/public-key", {}, 1024},
  };
}

sdk::HttpResponse WindowChannel::serve(const std::string& id, const sdk::HttpRequest& r) {
  if (id == "offices") return list_offices(r);
  if (id == "book") return book(r);
  if (id == "appointments") return list_appointments(r);
  if (id == "lookup") return lookup(r);
  if (id == "counter_state") return counter_state(r);
  if (id == "originals") return record_originals(r);
  if (id == "face") return capture_face(r);
  if (id == "fingerprint") return capture_fingerprint(r);
  if (id == "receipt") return receipt(r);
  if (id == "verify") return verify_receipt_route(r);
  if (id == "public_key") return public_key(r);
  return ChannelBase::serve(id, r);
}

sdk::Result<sdk::CaseView> WindowChannel::clerk_case(const sdk::HttpRequest& r) {
  auto it = r.params.find("id");
  sdk::Error not_found{"CASE_NOT_FOUND", "No such case.", "没有找到该认证申请。", "id"};
  if (it == r.params.end()) return not_found;
  auto c = host_.cases().get(it->second);
  // A clerk sees only the window cases of their own province; others look absent.
  if (!c || c->channel != "window" || (!r.actor.province.empty() && c->province != r.actor.province))
    return not_found;
  return c;
}

sdk::Result<WindowSettings> WindowChannel::settings_of(const std::string& province) const {
  auto s = host_.channel_settings(province, "window");
  if (!s)
    return sdk::make_error("CHANNEL_DISABLED", "The window channel is not available in this province.",
                           "本省未开通窗口认证。", "province");
  return parse_window_settings(*s);
}

std::string WindowChannel::lookup_hash(const std::string& province, const std::string& id_number) const {
  std::string msg = province + "|" + id_number;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(lookup_key_.data()), lookup_key_.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(msg.data()), msg.size());
  crypto_auth_hmacsha256_final(&st, mac);
  return base64url_encode(std::string_view(reinterpret_cast<char*>(mac), sizeof mac));
}

std::string WindowChannel::now_text() const { return china_time(host_.clock().now()); }

}  // namespace shiming::window
