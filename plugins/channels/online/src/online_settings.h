// The province's settings for the `online` channel, typed and checked. (Attempt limits and the
// SLA are channel-level keys the host reads itself: rules::ChannelRules.)
#pragma once

#include <cstddef>

#include <nlohmann/json.hpp>
#include <shiming/sdk/config_schema.h>
#include <shiming/sdk/result.h>

namespace shiming::online {

struct OnlineSettings {
  std::size_t max_upload_bytes = 8u << 20;    // per image
  std::size_t max_pixels = 40'000'000;        // per image, refused before full decode
  std::size_t max_video_bytes = 8u << 20;     // liveness video (MJPEG / WebM / MP4)
  bool face_required = false;
  bool liveness_required = false;
};

// The schema the host validates the province's `channels.online` section against.
sdk::ConfigSchema online_rules_schema();

// Reads validated (or raw) settings; missing keys take the defaults, a wrong type or value is
// an error naming the key (code CHANNEL_SETTINGS_INVALID).
sdk::Result<OnlineSettings> parse_online_settings(const nlohmann::json& settings);

}  // namespace shiming::online
