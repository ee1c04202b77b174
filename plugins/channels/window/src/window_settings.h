// The province's settings for the `window` channel (its `channels.window.settings`), typed.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <shiming/sdk/config_schema.h>
#include <shiming/sdk/result.h>

namespace shiming::window {

struct Office {
  std::string id, name, name_en, address, address_en, opening_hours, opening_hours_en;
  int daily_capacity = 0;
  std::vector<std::string> slots;  // "09:00-10:00"; each takes daily_capacity / slots (rounded up)
  int slot_capacity() const;
};

struct WindowSettings {
  std::vector<std::string> required_originals;  // always contains id_card
  std::vector<Office> offices;
  int booking_days_ahead = 30;
  bool fingerprint_required = false;
  const Office* office(const std::string& id) const;
};

// Originals a clerk can check, with their names for receipts.
struct OriginalKind {
  const char* code;
  const char* en;
  const char* zh;
};
const std::vector<OriginalKind>& original_kinds();
const OriginalKind* original_kind(const std::string& code);

sdk::ConfigSchema window_rules_schema();
// Errors: CHANNEL_SETTINGS_INVALID naming the key.
sdk::Result<WindowSettings> parse_window_settings(const nlohmann::json& settings);

}  // namespace shiming::window
