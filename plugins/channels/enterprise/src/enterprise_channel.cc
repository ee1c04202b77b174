// Settings, documents, the qualification register's entries and the channel's background worker.
#include "enterprise_channel.h"

#include <algorithm>
#include <ctime>
#include <stdexcept>

namespace shiming::enterprise {
namespace {

sdk::ConfigField field(const char* name, sdk::FieldType type, nlohmann::json def, const char* doc) {
  sdk::ConfigField f;
  f.name = name;
  f.type = type;
  f.default_value = std::move(def);
  f.doc = doc;
  return f;
}

sdk::ConfigField integer(const char* name, long long def, long long min, long long max, const char* doc) {
  auto f = field(name, sdk::FieldType::integer, def, doc);
  f.min = static_cast<double>(min);
  f.max = static_cast<double>(max);
  return f;
}

sdk::Error invalid_setting(const std::string& key, const std::string& what) {
  return sdk::make_error("CHANNEL_SETTINGS_INVALID", "enterprise channel setting '" + key + "' " + what,
                         "企业集体认证渠道配置项 '" + key + "' 无效：" + what, key);
}

}  // namespace

sdk::ConfigSchema enterprise_rules_schema() {
  sdk::ConfigSchema s;
  auto mode = field("submission", sdk::FieldType::string, "complete_only",
                    "complete_only: HR's submission sends the rows whose employee finished the face "
                    "checks and keeps the rest; all_or_nothing: refused while any row is incomplete.");
  mode.allowed = {"complete_only", "all_or_nothing"};
  s.fields.push_back(mode);
  s.fields.push_back(field("face_required", sdk::FieldType::boolean, true,
                           "The employee's live face photo is required before submitting."));
  s.fields.push_back(field("liveness_required", sdk::FieldType::boolean, false,
                           "The employee's liveness video (host challenge flow) is required before submitting."));
  s.fields.push_back(field("id_scan_required", sdk::FieldType::boolean, false,
                           "An ID card scan (from the ZIP of scans) is required before submitting."));
  s.fields.push_back(integer("max_rows", 50000, 1, 50000, "Most data rows in one roster."));
  s.fields.push_back(integer("max_upload_bytes", 8 << 20, 64 * 1024, 64 << 20, "Largest accepted image, in bytes."));
  s.fields.push_back(integer("max_pixels", 40'000'000, 100'000, 200'000'000,
                             "Largest accepted image in pixels, checked before decoding."));
  s.fields.push_back(integer("max_video_bytes", 8 << 20, 1 << 20, 256 << 20, "Largest accepted liveness video."));
  return s;
}

sdk::Result<EnterpriseSettings> parse_enterprise_settings(const nlohmann::json& j) {
  EnterpriseSettings s;
  if (j.is_null()) return s;
  if (!j.is_object())
    return sdk::make_error("CHANNEL_SETTINGS_INVALID", "enterprise channel settings must be a map",
                           "企业集体认证渠道配置必须是键值映射");
  for (const auto& f : enterprise_rules_schema().fields) {
    auto it = j.find(f.name);
    if (it == j.end() || it->is_null()) continue;
    if (f.type == sdk::FieldType::boolean && !it->is_boolean()) return invalid_setting(f.name, "must be true or false");
    if (f.type == sdk::FieldType::string &&
        (!it->is_string() || std::find(f.allowed.begin(), f.allowed.end(), it->get<std::string>()) == f.allowed.end()))
      return invalid_setting(f.name, "must be complete_only or all_or_nothing");
    if (f.type == sdk::FieldType::integer) {
      if (!it->is_number_integer()) return invalid_setting(f.name, "must be an integer");
      auto v = it->get<long long>();
      if (v < *f.min || v > *f.max) return invalid_setting(f.name, "is out of range");
    }
  }
  s.submission = j.value("submission", s.submission);
  s.face_required = j.value("face_required", s.face_required);
  s.liveness_required = j.value("liveness_required", s.liveness_required);
  s.id_scan_required = j.value("id_scan_required", s.id_scan_required);
  s.max_rows = j.value("max_rows", s.max_rows);
  s.max_upload_bytes = j.value("max_upload_bytes", s.max_upload_bytes);
  s.max_pixels = j.value("max_pixels", s.max_pixels);
  s.max_video_bytes = j.value("max_video_bytes", s.max_video_bytes);
  return s;
}

EnterpriseChannel::EnterpriseChannel(const sdk::PluginInit& init) : host_(init.host) {
  // Rosters accepted (202) but not fully imported when the host stopped are imported again from
  // their stored upload; the import skips the rows already done. Without a stored upload (a batch
  // from before uploads were kept) the batch fails and HR uploads again.
  for (const auto& province : host_.provinces())
    for (auto& [qkey, q] : host_.records().list(kQualifications, province))
      for (auto& [bid, b] : host_.records().list(kBatches, qkey)) {
        std::string state = b.value("state", "");
        if (state != "importing" && state != "queued") continue;
        auto body = load_upload(bid);
        auto creator = b.value("created_by", "");
        if (body && !creator.empty()) {
          sdk::Actor actor{"enterprise_hr", creator, b.value("province", ""), "hr:" + creator};
          queued_bytes_ += body->size();
          queue_.push_back({bid, std::move(*body), actor});
          host_.logger().info("enterprise: roster " + bid + " (" + state + ") will be imported after the restart");
          continue;
        }
        b["state"] = "failed";
        b["error"] = {{"code", "IMPORT_INTERRUPTED"},
                      {"message", "The import was interrupted by a restart of the hub. Upload the roster again."},
                      {"message_zh", "导入因系统重启中断，请重新上传名单。"}};
        (void)host_.records().put(kBatches, bid, b, qkey);
      }
  worker_ = std::thread([this] { loop(); });
}

EnterpriseChannel::~EnterpriseChannel() {
  stopping_ = true;
  queue_cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

std::vector<sdk::DocumentPolicy> EnterpriseChannel::documents(const nlohmann::json& settings) const {
  auto parsed = parse_enterprise_settings(settings);
  if (!parsed.ok()) throw std::invalid_argument(parsed.error().message);
  const auto& s = *parsed;
  std::vector<std::string> images = {"image/jpeg", "image/png"};
  return {{sdk::evidence_kind::kIdFront, images, s.max_upload_bytes, s.max_pixels, s.id_scan_required},
          {sdk::evidence_kind::kFace, images, s.max_upload_bytes, s.max_pixels, s.face_required},
          {sdk::evidence_kind::kLivenessVideo, {"video/x-motion-jpeg", "video/webm", "video/mp4"}, s.max_video_bytes,
           s.max_pixels, s.liveness_required}};
}

sdk::Status EnterpriseChannel::check_submit(const sdk::CaseView& c, const std::vector<std::string>&,
                                            const nlohmann::json& settings) const noexcept {
  try {
    if (auto parsed = parse_enterprise_settings(settings); !parsed.ok()) return parsed.error();
    if (c.identity.extra.value("enterprise_id", "").empty() || c.identity.extra.value("batch_id", "").empty())
      return sdk::make_error("NOT_IN_BATCH", "An enterprise case belongs to an uploaded roster.",
                             "企业集体认证申请须来自已上传的名单。", "batch_id");
    return sdk::Status::Ok();
  } catch (const std::exception& e) {
    return sdk::make_error("CHANNEL_SETTINGS_INVALID", e.what(), "企业集体认证渠道配置无效");
  }
}

std::vector<sdk::RouteSpec> EnterpriseChannel::routes() const {
  return {{"list_enterprises", "GET", "/provinces/{province}/enterprises", {"admin", "reviewer"}, 1024},
          {"put_enterprise", "PUT", "/provinces/{province}/enterprises/{enterprise}", {"admin"}, 16 * 1024},
          {"me", "GET", "/me", {"enterprise_hr"}, 1024},
          {"upload", "POST", "/batches", {"enterprise_hr"}, 64u << 20},
          {"list_batches", "GET", "/batches", {"enterprise_hr", "reviewer", "admin"}, 1024},
          {"get_batch", "GET", "/batches/{id}", {"enterprise_hr", "reviewer", "admin"}, 1024},
          {"report", "GET", "/batches/{id}/report", {"enterprise_hr", "reviewer", "admin"}, 1024},
          {"scans", "PUT", "/batches/{id}/scans", {"enterprise_hr"}, 256u << 20},
          {"employees", "GET", "/batches/{id}/employees", {"enterprise_hr"}, 1024},
          {"reissue_link", "POST", "/batches/{id}/employees/{row}/link", {"enterprise_hr"}, 1024},
          {"submit", "POST", "/batches/{id}/submit", {"enterprise_hr"}, 1024},
          {"rows", "GET", "/batches/{id}/rows", {"reviewer", "admin"}, 1024},
          {"accept_clean", "POST", "/batches/{id}/accept-clean", {"reviewer", "admin"}, 1024},
          {"bind_hr", "POST", "/provinces/{province}/hr-bindings", {"admin"}, 4096},
          {"unbind_hr", "DELETE", "/provinces/{province}/hr-bindings/{user}", {"admin"}, 1024}};
}

sdk::HttpResponse EnterpriseChannel::serve(const std::string& id, const sdk::HttpRequest& r) {
  if (id == "list_enterprises") return list_enterprises(r);
  if (id == "put_enterprise") return put_enterprise(r);
  if (id == "me") return me(r);
  if (id == "upload") return upload(r);
  if (id == "list_batches") return list_batches(r);
  if (id == "get_batch") return get_batch(r);
  if (id == "report") return report(r);
  if (id == "scans") return scans(r);
  if (id == "employees") return employees(r);
  if (id == "reissue_link") return reissue_link(r);
  if (id == "submit") return submit(r);
  if (id == "rows") return rows(r);
  if (id == "accept_clean") return accept_clean(r);
  if (id == "bind_hr") return bind_hr_route(r);
  if (id == "unbind_hr") return unbind_hr_route(r);
  return ChannelBase::serve(id, r);
}

std::string EnterpriseChannel::today() const {
  std::time_t t = std::chrono::system_clock::to_time_t(host_.clock().now()) + 8 * 3600;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

void EnterpriseChannel::loop() {
  while (true) {
    Job job;
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      run_import(job);
    } catch (const std::exception& e) {
      host_.logger().error(std::string("enterprise: import of ") + job.batch_id + " failed: " + e.what());
    }
    std::lock_guard lock(queue_mu_);
    queued_bytes_ -= job.body.size();
  }
}

}  // namespace shiming::enterprise
