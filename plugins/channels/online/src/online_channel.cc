#include "online_channel.h"

#include <algorithm>
#include <stdexcept>

#include "online_settings.h"

namespace shiming::online {
namespace {

struct KindName {
  const char* kind;
  const char* en;
  const char* zh;
};

constexpr KindName kKindNames[] = {
    {sdk::evidence_kind::kIdFront, "photo of the ID card's portrait side", "身份证人像面照片"},
    {sdk::evidence_kind::kIdBack, "photo of the ID card's national emblem side", "身份证国徽面照片"},
    {sdk::evidence_kind::kFace, "live face photo", "本人现场人脸照片"},
    {sdk::evidence_kind::kLivenessVideo, "liveness video", "活体检测视频"},
};

const KindName* name_of(const std::string& kind) {
  for (const auto& k : kKindNames)
    if (kind == k.kind) return &k;
  return nullptr;
}

std::vector<std::string> image_types() { return {"image/jpeg", "image/png"}; }

}  // namespace

OnlineChannel::OnlineChannel(const sdk::PluginInit&) {}

sdk::ConfigSchema OnlineChannel::rules_schema() { return online_rules_schema(); }

std::vector<sdk::DocumentPolicy> OnlineChannel::documents(const nlohmann::json& settings) const {
  auto parsed = parse_online_settings(settings);
  if (!parsed.ok()) throw std::invalid_argument(parsed.error().message);
  const OnlineSettings& s = *parsed;
  std::vector<sdk::DocumentPolicy> docs;
  docs.push_back({sdk::evidence_kind::kIdFront, image_types(), s.max_upload_bytes, s.max_pixels, true});
  docs.push_back({sdk::evidence_kind::kIdBack, image_types(), s.max_upload_bytes, s.max_pixels, true});
  docs.push_back({sdk::evidence_kind::kFace, image_types(), s.max_upload_bytes, s.max_pixels,
                  s.face_required});
  docs.push_back({sdk::evidence_kind::kLivenessVideo,
                  {"video/x-motion-jpeg", "video/webm", "video/mp4"},
                  s.max_video_bytes,
                  s.max_pixels,
                  s.liveness_required});
  return docs;
}

sdk::Status OnlineChannel::check_submit(const sdk::CaseView& c,
                                        const std::vector<std::string>& evidence_present,
                                        const nlohmann::json& settings) const noexcept {
  try {
    auto parsed = parse_online_settings(settings);
    if (!parsed.ok()) return parsed.error();
    if (c.identity.name.empty() || c.identity.id_number.empty()) {
      std::string field = c.identity.name.empty() ? "identity.name" : "identity.id_number";
      return sdk::make_error("IDENTITY_INCOMPLETE",
                             "Enter your name and ID number before submitting.",
                             "提交前请填写姓名和身份证号码。", field);
    }
    std::vector<std::string> missing;
    for (const auto& doc : documents(settings))
      if (doc.required && std::find(evidence_present.begin(), evidence_present.end(), doc.kind) ==
                              evidence_present.end())
        missing.push_back(doc.kind);
    if (missing.empty()) return sdk::Status::Ok();
    std::string en = "Upload the missing document(s) before submitting: ";
    std::string zh = "提交前请上传缺少的材料：";
    for (std::size_t i = 0; i < missing.size(); ++i) {
      const KindName* n = name_of(missing[i]);
      en += (i ? "; " : "") + missing[i] + (n ? std::string(" (") + n->en + ")" : std::string());
      zh += (i ? "；" : "") + (n ? std::string(n->zh) + "（" + missing[i] + "）" : missing[i]);
    }
    return sdk::make_error("MISSING_DOCUMENT", en + ".", zh + "。", missing.front());
  } catch (const std::exception& e) {
    return sdk::make_error("CHANNEL_SETTINGS_INVALID", e.what(), "线上渠道配置无效");
  }
}

}  // namespace shiming::online
