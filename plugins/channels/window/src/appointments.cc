// Offices and appointments: a citizen (or a clerk for them) books a slot at an office.
#include <algorithm>
#include <chrono>
#include <regex>

#include "window_channel.h"

namespace shiming::window {
namespace {

bool valid_date(const std::string& s) {
  static const std::regex kDate(R"(\d{4}-\d{2}-\d{2})");
  if (!std::regex_match(s, kDate)) return false;
  std::chrono::year_month_day d{std::chrono::year(std::stoi(s.substr(0, 4))),
                                std::chrono::month(std::stoi(s.substr(5, 2))),
                                std::chrono::day(std::stoi(s.substr(8, 2)))};
  return d.ok();
}

bool valid_id_number(const std::string& s) {
  static const std::regex kId(R"(\d{17}[\dX])");
  return std::regex_match(s, kId);
}

nlohmann::json office_json(const Office& o) {
  return {{"id", o.id}, {"name", o.name}, {"name_en", o.name_en}, {"address", o.address},
          {"address_en", o.address_en}, {"opening_hours", o.opening_hours},
          {"opening_hours_en", o.opening_hours_en}, {"daily_capacity", o.daily_capacity},
          {"slot_capacity", o.slot_capacity()}};
}

nlohmann::json originals_json(const WindowSettings& s) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& code : s.required_originals) {
    const auto* k = original_kind(code);
    a.push_back({{"code", code}, {"name", k ? k->zh : code}, {"name_en", k ? k->en : code}});
  }
  return a;
}

std::string slot_index(const std::string& province, const std::string& office, const std::string& date,
                       const std::string& slot) {
  return province + "|" + office + "|" + date + "|" + slot;
}

}  // namespace

sdk::HttpResponse WindowChannel::list_offices(const sdk::HttpRequest& r) {
  const std::string province = r.params.at("province");
  auto s = settings_of(province);
  if (!s) return fail(404, s.error());
  std::string date;
  if (auto it = r.query.find("date"); it != r.query.end()) {
    date = it->second;
    if (!valid_date(date))
      return fail(400, "DATE_INVALID", "date must be a calendar date YYYY-MM-DD.", "日期格式应为 YYYY-MM-DD。", "date");
  }
  nlohmann::json offices = nlohmann::json::array();
  for (const auto& o : s->offices) {
    auto j = office_json(o);
    nlohmann::json slots = nlohmann::json::array();
    for (const auto& slot : o.slots) {
      nlohmann::json sj = {{"slot", slot}, {"capacity", o.slot_capacity()}};
      if (!date.empty()) {
        auto booked = static_cast<int>(host_.records().list("window_appointments", slot_index(province, o.id, date, slot)).size());
        sj["booked"] = booked;
        sj["available"] = std::max(0, o.slot_capacity() - booked);
      }
      slots.push_back(sj);
    }
    j["slots"] = slots;
    offices.push_back(j);
  }
  nlohmann::json out = {{"province", province}, {"offices", offices}, {"required_originals", originals_json(*s)},
                        {"fingerprint_required", s->fingerprint_required},
                        {"booking_days_ahead", s->booking_days_ahead}};
  if (!date.empty()) out["date"] = date;
  return sdk::HttpResponse::json(200, out);
}

sdk::HttpResponse WindowChannel::book(const sdk::HttpRequest& r) {
  const std::string province = r.params.at("province");
  if (r.actor.role != "anonymous" && r.actor.role != "citizen" && r.actor.role != "clerk")
    return fail(403, "FORBIDDEN", "Appointments are booked by citizens or clerks.", "仅考生或窗口工作人员可预约。");
  if (r.actor.role == "clerk" && !r.actor.province.empty() && r.actor.province != province)
    return fail(403, "PROVINCE_FORBIDDEN", "You work for another province.", "您无权办理其他省份的业务。", "province");
  auto s = settings_of(province);
  if (!s) return fail(404, s.error());
  auto body = json_body(r);
  if (!body) return fail(400, body.error());
  auto str = [&](const char* k) { return (*body).contains(k) && (*body)[k].is_string() ? (*body)[k].get<std::string>() : std::string(); };
  std::string office_id = str("office_id"), date = str("date"), slot = str("slot"), name = str("name"),
              id_number = str("id_number"), phone = str("phone");
  for (const char* k : {"office_id", "date", "slot", "name", "id_number", "phone"})
    if (str(k).empty())
      return fail(400, "MISSING_FIELD", std::string("The field '") + k + "' is required.", std::string("缺少字段：") + k + "。", k);
  if (!std::all_of(id_number.begin(), id_number.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == 'x' || c == 'X'; }))
    return fail(400, "ID_FORMAT", "The ID number must be 18 characters (digits, last may be X).", "身份证号码应为18位。", "id_number");
  std::transform(id_number.begin(), id_number.end(), id_number.begin(), [](char c) { return c == 'x' ? 'X' : c; });
  if (!valid_id_number(id_number))
    return fail(400, "ID_FORMAT", "The ID number must be 18 characters (digits, last may be X).", "身份证号码应为18位。", "id_number");
  if (name.size() > 90 || phone.size() > 20)
    return fail(400, "FIELD_TOO_LONG", "Name or phone is too long.", "姓名或电话过长。", name.size() > 90 ? "name" : "phone");
  const Office* office = s->office(office_id);
  if (!office)
    return fail(404, "OFFICE_NOT_FOUND", "No such office in this province: '" + office_id + "'.", "本省没有该办理点。", "office_id");
  if (std::find(office->slots.begin(), office->slots.end(), slot) == office->slots.end())
    return fail(400, "SLOT_INVALID", "The office has no slot '" + slot + "'.", "该办理点没有此时段。", "slot");
  if (!valid_date(date))
    return fail(400, "DATE_INVALID", "date must be a calendar date YYYY-MM-DD.", "日期格式应为 YYYY-MM-DD。", "date");
  auto now = host_.clock().now();
  std::string today = china_date(now), last = china_date(now + std::chrono::hours(24 * s->booking_days_ahead));
  if (date < today || date > last)
    return fail(400, "DATE_OUT_OF_RANGE", "Book a date from " + today + " to " + last + ".",
                "请预约 " + today + " 至 " + last + " 之间的日期。", "date");

  std::lock_guard lock(booking_mu_);
  std::string person = lookup_hash(province, id_number);
  if (auto existing = host_.records().get("window_bookings", person); existing && existing->value("date", "") >= today) {
    if (auto appt = host_.records().get("window_appointments", existing->value("appointment_id", "")))
      return fail(409, "APPOINTMENT_EXISTS",
                  "This ID number already has an appointment on " + appt->value("date", "") + " " + appt->value("slot", "") + ".",
                  "该身份证号码已预约 " + appt->value("date", "") + " " + appt->value("slot", "") + "，请勿重复预约。", "id_number");
  }
  std::string index = slot_index(province, office_id, date, slot);
  int booked = static_cast<int>(host_.records().list("window_appointments", index).size());
  if (booked >= office->slot_capacity())
    return fail(409, "SLOT_FULL", "This time slot is fully booked; choose another slot or day.",
                "该时段已约满，请选择其他时段或日期。", "slot");
  std::string id = "ap_" + base64url_encode(random_seed().substr(0, 12));
  nlohmann::json appt = {{"id", id}, {"province", province}, {"office_id", office_id}, {"date", date}, {"slot", slot},
                         {"name", name}, {"id_number", id_number}, {"phone", phone}, {"status", "booked"},
                         {"created_at", china_time(now)}, {"booked_by", r.actor.role}};
  if (auto st = host_.records().put("window_appointments", id, appt, index); !st) return fail(500, st.error());
  if (auto st = host_.records().put("window_bookings", person, {{"appointment_id", id}, {"date", date}}); !st)
    return fail(500, st.error());
  host_.logger().info("window: appointment " + id + " booked at " + office_id + " " + date + " " + slot + " for " +
                      sdk::mask_id_number(id_number));
  return sdk::HttpResponse::json(201, {{"appointment_id", id}, {"office", office_json(*office)}, {"date", date},
                                       {"slot", slot}, {"name", sdk::mask_name(name)},
                                       {"id_number", sdk::mask_id_number(id_number)},
                                       {"required_originals", originals_json(*s)}});
}

sdk::HttpResponse WindowChannel::list_appointments(const sdk::HttpRequest& r) {
  const std::string province = r.params.at("province");
  if (!r.actor.province.empty() && r.actor.province != province)
    return fail(403, "PROVINCE_FORBIDDEN", "You work for another province.", "您无权办理其他省份的业务。", "province");
  auto s = settings_of(province);
  if (!s) return fail(404, s.error());
  auto office_it = r.query.find("office_id");
  auto date_it = r.query.find("date");
  if (office_it == r.query.end() || date_it == r.query.end() || !valid_date(date_it->second))
    return fail(400, "MISSING_FIELD", "Give office_id and date (YYYY-MM-DD).", "请提供办理点和日期。", "office_id");
  const Office* office = s->office(office_it->second);
  if (!office) return fail(404, "OFFICE_NOT_FOUND", "No such office in this province.", "本省没有该办理点。", "office_id");
  nlohmann::json items = nlohmann::json::array();
  for (const auto& slot : office->slots)
    for (const auto& [key, a] : host_.records().list("window_appointments", slot_index(province, office->id, date_it->second, slot)))
      items.push_back({{"appointment_id", key}, {"slot", slot}, {"name", sdk::mask_name(a.value("name", ""))},
                       {"id_number", sdk::mask_id_number(a.value("id_number", ""))}, {"status", a.value("status", "")}});
  return sdk::HttpResponse::json(200, {{"office_id", office->id}, {"date", date_it->second}, {"appointments", items}});
}

}  // namespace shiming::window
