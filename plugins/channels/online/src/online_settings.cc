#include "online_settings.h"

#include <string>

namespace shiming::online {
namespace {

sdk::Error invalid(const std::string& key, const std::string& what) {
  return sdk::make_error("CHANNEL_SETTINGS_INVALID",
                         "online channel setting '" + key + "' " + what,
                         "线上渠道配置项 '" + key + "' 无效：" + what, key);
}

sdk::ConfigField integer_field(const char* name, long long def, long long min, long long max,
                               const char* doc) {
  sdk::ConfigField f;
  f.name = name;
  f.type = sdk::FieldType::integer;
  f.default_value = def;
  f.min = static_cast<double>(min);
  f.max = static_cast<double>(max);
  f.doc = doc;
  return f;
}

sdk::ConfigField boolean_field(const char* name, const char* doc) {
  sdk::ConfigField f;
  f.name = name;
  f.type = sdk::FieldType::boolean;
  f.default_value = false;
  f.doc = doc;
  return f;
}

}  // namespace

sdk::ConfigSchema online_rules_schema() {
  sdk::ConfigSchema s;
  s.fields.push_back(integer_field("max_upload_bytes", 8 << 20, 64 * 1024, 64 << 20,
                                   "Largest accepted ID card or face image, in bytes."));
  s.fields.push_back(integer_field("max_pixels", 40'000'000, 100'000, 200'000'000,
                                   "Largest accepted image in pixels (width x height), checked "
                                   "from the header before decoding."));
  s.fields.push_back(integer_field("max_video_bytes", 8 << 20, 1 << 20, 256 << 20,
                                   "Largest accepted liveness video, in bytes."));
  s.fields.push_back(boolean_field("face_required",
                                   "A live face photo must be uploaded before submitting."));
  s.fields.push_back(boolean_field("liveness_required",
                                   "A liveness video must be uploaded before submitting."));
  return s;
}

sdk::Result<OnlineSettings> parse_online_settings(const nlohmann::json& j) {
  OnlineSettings s;
  if (j.is_null()) return s;
  if (!j.is_object())
    return sdk::make_error("CHANNEL_SETTINGS_INVALID", "online channel settings must be a map",
                           "线上渠道配置必须是键值映射");
  for (const auto& field : online_rules_schema().fields) {
    auto it = j.find(field.name);
    if (it == j.end() || it->is_null()) continue;
    if (field.type == sdk::FieldType::boolean) {
      if (!it->is_boolean()) return invalid(field.name, "must be true or false");
    } else {
      if (!it->is_number_integer()) return invalid(field.name, "must be an integer");
      auto v = it->get<long long>();
      if ((field.min && v < *field.min) || (field.max && v > *field.max))
        return invalid(field.name, "must be between " + std::to_string(static_cast<long long>(*field.min)) +
                                       " and " + std::to_string(static_cast<long long>(*field.max)));
    }
  }
  auto get_size = [&](const char* key, std::size_t fallback) {
    return j.contains(key) && j[key].is_number_integer() ? j[key].get<std::size_t>() : fallback;
  };
  auto get_bool = [&](const char* key, bool fallback) {
    return j.contains(key) && j[key].is_boolean() ? j[key].get<bool>() : fallback;
  };
  s.max_upload_bytes = get_size("max_upload_bytes", s.max_upload_bytes);
  s.max_pixels = get_size("max_pixels", s.max_pixels);
  s.max_video_bytes = get_size("max_video_bytes", s.max_video_bytes);
  s.face_required = get_bool("face_required", s.face_required);
  s.liveness_required = get_bool("liveness_required", s.liveness_required);
  return s;
}

}  // namespace shiming::online
