#include "window_settings.h"

#include <algorithm>
#include <regex>

namespace shiming::window {
namespace {

sdk::Error invalid(const std::string& key, const std::string& what) {
  return sdk::make_error("CHANNEL_SETTINGS_INVALID", "window channel setting '" + key + "' " + what,
                         "窗口渠道配置项 '" + key + "' 无效：" + what, key);
}

sdk::ConfigField field(const char* name, sdk::FieldType type, bool required, nlohmann::json def,
                       const char* doc) {
  sdk::ConfigField f;
  f.name = name;
  f.type = type;
  f.required = required;
  f.default_value = std::move(def);
  f.doc = doc;
  return f;
}

const std::vector<std::string> kDefaultSlots = {"09:00-10:00", "10:00-11:30", "13:30-15:00", "15:00-16:30"};

}  // namespace

int Office::slot_capacity() const {
  int n = std::max<int>(1, static_cast<int>(slots.size()));
  return (daily_capacity + n - 1) / n;
}

const Office* WindowSettings::office(const std::string& id) const {
  for (const auto& o : offices)
    if (o.id == id) return &o;
  return nullptr;
}

const std::vector<OriginalKind>& original_kinds() {
  static const std::vector<OriginalKind> kinds = {
      {"id_card", "resident ID card", "居民身份证"},
      {"diploma", "diploma", "学历证书"},
      {"degree", "degree certificate", "学位证书"},
      {"household_register", "household register", "户口簿"},
      {"work_certificate", "employment certificate", "工作证明"},
  };
  return kinds;
}

const OriginalKind* original_kind(const std::string& code) {
  for (const auto& k : original_kinds())
    if (code == k.code) return &k;
  return nullptr;
}

sdk::ConfigSchema window_rules_schema() {
  std::vector<std::string> codes;
  for (const auto& k : original_kinds()) codes.push_back(k.code);
  sdk::ConfigSchema s;
  auto originals = field("required_originals", sdk::FieldType::string_list, false, nlohmann::json::array({"id_card"}),
                         "Originals the clerk must check; the ID card is always required.");
  originals.allowed = codes;
  s.fields.push_back(originals);

  auto office = field("offices", sdk::FieldType::list, false, nlohmann::json::array(),
                      "The province's counters where candidates can be verified in person.");
  office.fields = {
      field("id", sdk::FieldType::string, true, nullptr, "Stable office id (lower case, dashes)."),
      field("name", sdk::FieldType::string, true, nullptr, "Name (zh-CN)."),
      field("name_en", sdk::FieldType::string, false, "", "Name (English)."),
      field("address", sdk::FieldType::string, false, "", "Address (zh-CN)."),
      field("address_en", sdk::FieldType::string, false, "", "Address (English)."),
      field("opening_hours", sdk::FieldType::string, false, "", "Opening hours (zh-CN)."),
      field("opening_hours_en", sdk::FieldType::string, false, "", "Opening hours (English)."),
      field("slots", sdk::FieldType::string_list, false, kDefaultSlots, "Bookable time slots, HH:MM-HH:MM."),
  };
  auto cap = field("daily_capacity", sdk::FieldType::integer, true, nullptr,
                   "Appointments per day, shared evenly by the slots.");
  cap.min = 1;
  cap.max = 100000;
  office.fields.push_back(cap);
  s.fields.push_back(office);

  auto ahead = field("booking_days_ahead", sdk::FieldType::integer, false, 30, "How far ahead a slot can be booked.");
  ahead.min = 1;
  ahead.max = 366;
  s.fields.push_back(ahead);
  s.fields.push_back(field("fingerprint_required", sdk::FieldType::boolean, false, false,
                           "A fingerprint template must be captured before submitting."));
  return s;
}

sdk::Result<WindowSettings> parse_window_settings(const nlohmann::json& j) {
  WindowSettings s;
  s.required_originals = {"id_card"};
  if (j.is_null()) return s;
  if (!j.is_object()) return invalid("settings", "must be a map");
  static const std::regex kSlot(R"(([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d)");
  try {
    if (auto it = j.find("required_originals"); it != j.end() && !it->is_null()) {
      if (!it->is_array()) return invalid("required_originals", "must be a list");
      for (const auto& o : *it) {
        if (!o.is_string() || !original_kind(o.get<std::string>()))
          return invalid("required_originals", "has an unknown original '" + o.dump() + "'");
        if (std::find(s.required_originals.begin(), s.required_originals.end(), o) == s.required_originals.end())
          s.required_originals.push_back(o);
      }
    }
    if (auto it = j.find("offices"); it != j.end() && !it->is_null()) {
      if (!it->is_array()) return invalid("offices", "must be a list");
      for (const auto& o : *it) {
        Office office;
        office.id = o.at("id").get<std::string>();
        office.name = o.at("name").get<std::string>();
        office.name_en = o.value("name_en", "");
        office.address = o.value("address", "");
        office.address_en = o.value("address_en", "");
        office.opening_hours = o.value("opening_hours", "");
        office.opening_hours_en = o.value("opening_hours_en", "");
        office.daily_capacity = o.at("daily_capacity").get<int>();
        office.slots = o.value("slots", kDefaultSlots);
        if (office.id.empty()) return invalid("offices.id", "must not be empty");
        if (office.daily_capacity < 1) return invalid("offices." + office.id + ".daily_capacity", "must be at least 1");
        if (office.slots.empty()) return invalid("offices." + office.id + ".slots", "must not be empty");
        for (const auto& slot : office.slots)
          if (!std::regex_match(slot, kSlot)) return invalid("offices." + office.id + ".slots", "'" + slot + "' is not HH:MM-HH:MM");
        if (s.office(office.id)) return invalid("offices.id", "'" + office.id + "' appears twice");
        s.offices.push_back(std::move(office));
      }
    }
    s.booking_days_ahead = j.value("booking_days_ahead", 30);
    s.fingerprint_required = j.value("fingerprint_required", false);
  } catch (const nlohmann::json::exception& e) {
    return invalid("offices", std::string("has a missing or mistyped field (") + e.what() + ")");
  }
  return s;
}

}  // namespace shiming::window
