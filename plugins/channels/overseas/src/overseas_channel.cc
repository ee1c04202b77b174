#include "overseas_channel.h"

#include <algorithm>
#include <stdexcept>

namespace shiming::overseas {
namespace {

struct KindName {
  const char* kind;
  const char* en;
  const char* zh;
};

constexpr KindName kKindNames[] = {
    {sdk::evidence_kind::kPassport, "photo of the passport's data page", "护照资料页照片"},
    {sdk::evidence_kind::kEmbassyCertificate, "the embassy's or consulate's certification", "使领馆认证文件"},
    {kVideoRecording, "video speaking the challenge code", "朗读验证码的视频"},
};

const KindName* name_of(const std::string& kind) {
  for (const auto& k : kKindNames)
    if (kind == k.kind) return &k;
  return nullptr;
}

}  // namespace

OverseasChannel::OverseasChannel(const sdk::PluginInit& init) : host_(init.host) {}

std::vector<sdk::DocumentPolicy> OverseasChannel::documents(const nlohmann::json& settings) const {
  auto parsed = parse_overseas_settings(settings);
  if (!parsed.ok()) throw std::invalid_argument(parsed.error().message);
  const OverseasSettings& s = *parsed;
  std::vector<std::string> images = {"image/jpeg", "image/png"};
  std::vector<sdk::DocumentPolicy> docs;
  docs.push_back({sdk::evidence_kind::kPassport, images, s.max_upload_bytes, s.max_pixels, true});
  docs.push_back({sdk::evidence_kind::kEmbassyCertificate, {"image/jpeg", "image/png", "application/pdf"},
                  s.max_upload_bytes, s.max_pixels, s.embassy_certificate_required});
  if (s.video == VideoMode::recorded || s.video == VideoMode::live_or_recorded)
    docs.push_back({kVideoRecording, {"video/mp4", "video/webm", "video/x-motion-jpeg"}, s.max_video_bytes,
                    s.max_pixels, s.video == VideoMode::recorded});
  return docs;
}

sdk::Status OverseasChannel::check_submit(const sdk::CaseView& c, const std::vector<std::string>& present,
                                          const nlohmann::json& settings) const noexcept {
  try {
    auto parsed = parse_overseas_settings(settings);
    if (!parsed.ok()) return parsed.error();
    const auto& extra = c.identity.extra;
    for (const char* key : {"passport_number", "surname"}) {
      if (!extra.contains(key) || !extra[key].is_string() || extra[key].get<std::string>().empty())
        return sdk::make_error("IDENTITY_INCOMPLETE",
                               "Enter your passport number and your name as printed in the passport.",
                               "请填写护照号码及护照上的姓名。", std::string("identity.extra.") + key);
    }
    std::vector<std::string> missing;
    for (const auto& doc : documents(settings))
      if (doc.required && std::find(present.begin(), present.end(), doc.kind) == present.end())
        missing.push_back(doc.kind);
    if (!missing.empty()) {
      std::string en = "Upload the missing document(s) before submitting: ", zh = "提交前请上传缺少的材料：";
      for (std::size_t i = 0; i < missing.size(); ++i) {
        const KindName* n = name_of(missing[i]);
        en += (i ? "; " : "") + missing[i] + (n ? std::string(" (") + n->en + ")" : std::string());
        zh += (i ? "；" : "") + (n ? std::string(n->zh) + "（" + missing[i] + "）" : missing[i]);
      }
      return sdk::make_error("MISSING_DOCUMENT", en + ".", zh + "。", missing.front());
    }
    if (!host_.records().get(kContacts, c.id))
      return sdk::make_error("CONTACT_MISSING",
                             "Enter a contact person in mainland China (name, relationship, phone) before submitting.",
                             "提交前请填写境内联系人（姓名、关系、电话）。", "contact");
    const OverseasSettings& s = *parsed;
    if (s.video == VideoMode::live && !host_.records().get(kBookings, c.id))
      return sdk::make_error("VIDEO_NOT_BOOKED", "Book a video verification slot before submitting.",
                             "提交前请预约视频核验时段。", "video-booking");
    if (s.video == VideoMode::live_or_recorded && !host_.records().get(kBookings, c.id) &&
        std::find(present.begin(), present.end(), kVideoRecording) == present.end())
      return sdk::make_error("VIDEO_NOT_BOOKED",
                             "Book a video verification slot or upload the video with the challenge code.",
                             "请预约视频核验时段，或上传朗读验证码的视频。", "video-booking");
    return sdk::Status::Ok();
  } catch (const std::exception& e) {
    return sdk::make_error("CHANNEL_SETTINGS_INVALID", e.what(), "境外渠道配置无效");
  }
}

std::vector<sdk::RouteSpec> OverseasChannel::routes() const {
  const std::vector<std::string> staff = {"reviewer", "admin"};
  const std::vector<std::string> citizen = {"citizen"};
  return {
      {"open", "POST", "/cases", {}, 16 * 1024},
      {"slots", "GET", "/provinces/{province}/video-slots", {}, 0},
      {"contact", "PUT", "/cases/{id}/contact", citizen, 4 * 1024},
      {"state", "GET", "/cases/{id}/overseas", {"citizen", "reviewer", "admin", "clerk"}, 0},
      {"book", "POST", "/cases/{id}/video-booking", citizen, 4 * 1024},
      {"cancel", "DELETE", "/cases/{id}/video-booking", citizen, 0},
      {"challenge", "POST", "/cases/{id}/video-challenge", citizen, 0},
      {"session", "POST", "/cases/{id}/video-session", staff, 4 * 1024},
      {"outcome", "POST", "/cases/{id}/video-outcome", staff, 16 * 1024},
  };
}

sdk::HttpResponse OverseasChannel::serve(const std::string& id, const sdk::HttpRequest& r) {
  if (id == "open") return open_case(r);
  if (id == "slots") return list_slots(r);
  auto pid = r.params.find("id");
  auto c = pid == r.params.end() ? sdk::Result<sdk::CaseView>(sdk::Error{"CASE_NOT_FOUND", "", "", ""})
                                 : host_.cases().get(pid->second);
  // A citizen sees only their own case; staff only cases of their province.
  bool allowed = c.ok() && c->channel == "overseas" &&
                 (r.actor.role == "citizen" ? r.actor.id == c->id
                                            : r.actor.province.empty() || r.actor.province == c->province);
  if (!allowed)
    return sdk::HttpResponse::error(404, {"CASE_NOT_FOUND", "No such case.", "没有找到该认证申请。", "id"});
  if (id == "contact") return put_contact(r, *c);
  if (id == "state") return get_state(r, *c);
  if (id == "book") return book(r, *c);
  if (id == "cancel") return cancel(r, *c);
  if (id == "challenge") return challenge(r, *c);
  if (id == "session") return session(r, *c);
  if (id == "outcome") return outcome(r, *c);
  return sdk::HttpResponse::error(404, {"NOT_FOUND", "No such route.", "没有该接口。", ""});
}

}  // namespace shiming::overseas
