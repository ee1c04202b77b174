// The province's settings for the `overseas` channel, typed and checked.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <shiming/sdk/config_schema.h>
#include <shiming/sdk/result.h>

#include "time_text.h"

namespace shiming::overseas {

// off: no video step; live: a reviewer holds a video session in a booked slot; recorded: the
// candidate uploads a video speaking a challenge code; live_or_recorded: the candidate chooses.
enum class VideoMode { off, live, recorded, live_or_recorded };

struct VideoSlot {
  std::string start_text;  // as configured (the slot's id)
  Seconds start;
  int minutes = 30;
  int capacity = 1;
};

struct OverseasSettings {
  std::size_t max_upload_bytes = 8u << 20;
  std::size_t max_pixels = 40'000'000;
  std::size_t max_video_bytes = 64u << 20;
  bool embassy_certificate_required = false;
  VideoMode video = VideoMode::off;
  std::vector<VideoSlot> video_slots;
};

sdk::ConfigSchema overseas_rules_schema();

// CHANNEL_SETTINGS_INVALID naming the key on a wrong type or value.
sdk::Result<OverseasSettings> parse_overseas_settings(const nlohmann::json& settings);

}  // namespace shiming::overseas
