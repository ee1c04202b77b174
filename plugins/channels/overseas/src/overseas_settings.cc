#include "overseas_settings.h"

namespace shiming::overseas {
namespace {

sdk::Error invalid(const std::string& key, const std::string& what) {
  return sdk::make_error("CHANNEL_SETTINGS_INVALID", "overseas channel setting '" + key + "' " + what,
                         "境外渠道配置项 '" + key + "' 无效：" + what, key);
}

sdk::ConfigField field(const char* name, sdk::FieldType type, nlohmann::json def, const char* doc) {
  sdk::ConfigField f;
  f.name = name;
  f.type = type;
  f.default_value = std::move(def);
  f.doc = doc;
  return f;
}

}  // namespace

sdk::ConfigSchema overseas_rules_schema() {
  using T = sdk::FieldType;
  sdk::ConfigSchema s;
  auto bytes = field("max_upload_bytes", T::integer, 8 << 20, "Largest passport / certificate upload, in bytes.");
  bytes.min = 64 * 1024;
  bytes.max = 64 << 20;
  s.fields.push_back(bytes);
  auto px = field("max_pixels", T::integer, 40'000'000, "Largest image in pixels, checked before decoding.");
  px.min = 100'000;
  px.max = 200'000'000;
  s.fields.push_back(px);
  auto vb = field("max_video_bytes", T::integer, 64 << 20, "Largest recorded verification video, in bytes.");
  vb.min = 1 << 20;
  vb.max = 512 << 20;
  s.fields.push_back(vb);
  s.fields.push_back(field("embassy_certificate_required", T::boolean, false,
                           "The embassy's or consulate's certification must be uploaded before submitting."));
  auto video = field("video_verification", T::string, "off",
                     "off | live (a reviewer's video session in a booked slot) | recorded (a video "
                     "with a spoken challenge code) | live_or_recorded.");
  video.allowed = {"off", "live", "recorded", "live_or_recorded"};
  s.fields.push_back(video);
  auto slots = field("video_slots", T::list, nlohmann::json::array(), "Bookable video-verification slots.");
  auto start = field("start", T::datetime, nullptr, "Start, ISO 8601 with offset.");
  start.required = true;
  auto minutes = field("minutes", T::integer, 30, "Length in minutes.");
  minutes.min = 5;
  minutes.max = 240;
  auto cap = field("capacity", T::integer, 1, "Candidates per slot (reviewers on duty).");
  cap.min = 1;
  cap.max = 100;
  slots.fields = {start, minutes, cap};
  s.fields.push_back(slots);
  return s;
}

sdk::Result<OverseasSettings> parse_overseas_settings(const nlohmann::json& j) {
  OverseasSettings s;
  if (j.is_null()) return s;
  if (!j.is_object()) return invalid("(settings)", "must be a map");
  auto integer = [&](const char* key, std::size_t& out, long long lo, long long hi) -> sdk::Status {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return {};
    if (!it->is_number_integer()) return invalid(key, "must be an integer");
    auto v = it->get<long long>();
    if (v < lo || v > hi) return invalid(key, "is out of range");
    out = static_cast<std::size_t>(v);
    return {};
  };
  if (auto st = integer("max_upload_bytes", s.max_upload_bytes, 64 * 1024, 64 << 20); !st) return st.error();
  if (auto st = integer("max_pixels", s.max_pixels, 100'000, 200'000'000); !st) return st.error();
  if (auto st = integer("max_video_bytes", s.max_video_bytes, 1 << 20, 512 << 20); !st) return st.error();
  if (auto it = j.find("embassy_certificate_required"); it != j.end() && !it->is_null()) {
    if (!it->is_boolean()) return invalid("embassy_certificate_required", "must be true or false");
    s.embassy_certificate_required = it->get<bool>();
  }
  if (auto it = j.find("video_verification"); it != j.end() && !it->is_null()) {
    std::string v = it->is_string() ? it->get<std::string>() : "";
    if (v == "off") s.video = VideoMode::off;
    else if (v == "live") s.video = VideoMode::live;
    else if (v == "recorded") s.video = VideoMode::recorded;
    else if (v == "live_or_recorded") s.video = VideoMode::live_or_recorded;
    else return invalid("video_verification", "must be off, live, recorded or live_or_recorded");
  }
  if (auto it = j.find("video_slots"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return invalid("video_slots", "must be a list");
    for (std::size_t i = 0; i < it->size(); ++i) {
      const auto& e = (*it)[i];
      std::string key = "video_slots[" + std::to_string(i) + "]";
      if (!e.is_object() || !e.contains("start") || !e["start"].is_string()) return invalid(key, "needs a start");
      VideoSlot slot;
      slot.start_text = e["start"].get<std::string>();
      auto t = parse_datetime(slot.start_text);
      if (!t) return invalid(key + ".start", "must be like 2026-05-10T09:00:00+08:00");
      slot.start = *t;
      if (e.contains("minutes")) {
        if (!e["minutes"].is_number_integer() || e["minutes"] < 5 || e["minutes"] > 240)
          return invalid(key + ".minutes", "must be 5..240");
        slot.minutes = e["minutes"];
      }
      if (e.contains("capacity")) {
        if (!e["capacity"].is_number_integer() || e["capacity"] < 1 || e["capacity"] > 100)
          return invalid(key + ".capacity", "must be 1..100");
        slot.capacity = e["capacity"];
      }
      s.video_slots.push_back(slot);
    }
  }
  return s;
}

}  // namespace shiming::overseas
