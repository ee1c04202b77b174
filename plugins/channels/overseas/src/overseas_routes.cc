// Handlers of the overseas channel's routes.
#include <random>

#include "overseas_channel.h"

namespace shiming::overseas {
namespace {

using sdk::HttpResponse;
using nlohmann::json;

HttpResponse bad(const std::string& code, const std::string& en, const std::string& zh, const std::string& field = {}) {
  int status = code == "CONFLICT" || code == "SLOT_FULL" || code == "CASE_NOT_EDITABLE" ? 409 : 400;
  return HttpResponse::error(status, {code, en, zh, field});
}

std::optional<json> body_object(const sdk::HttpRequest& r) {
  auto j = json::parse(r.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

// A string field: present (when required), a string, at most max bytes, valid UTF-8 by json.
std::optional<std::string> text(const json& j, const char* key, std::size_t max, bool required, HttpResponse& err) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null() || (it->is_string() && it->get<std::string>().empty())) {
    if (required)
      err = bad("MISSING_FIELD", std::string("The field '") + key + "' is required.",
                std::string("缺少必填项：") + key, key);
    return required ? std::nullopt : std::optional<std::string>("");
  }
  if (!it->is_string() || it->get<std::string>().size() > max) {
    err = bad("INVALID_FIELD", std::string("The field '") + key + "' must be text of at most " + std::to_string(max) +
                                   " bytes.", std::string("字段格式不正确：") + key, key);
    return std::nullopt;
  }
  return it->get<std::string>();
}

std::string upper_alnum(const std::string& s) {
  std::string o;
  for (char c : s) {
    char u = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
    if ((u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9')) o += u;
  }
  return o;
}

// Latin letters, spaces, hyphens and apostrophes, upper-cased: the passport's name.
std::optional<std::string> passport_name(const std::string& s) {
  std::string o;
  for (char c : s) {
    char u = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
    if ((u >= 'A' && u <= 'Z') || u == ' ' || u == '-' || u == '\'') o += u;
    else return std::nullopt;
  }
  return o;
}

bool phone_ok(const std::string& p) {
  if (p.size() < 7 || p.size() > 20) return false;
  for (char c : p)
    if (!((c >= '0' && c <= '9') || c == '+' || c == '-' || c == ' ')) return false;
  return true;
}

std::string now_text(sdk::Host& host) {
  return format_datetime(std::chrono::floor<std::chrono::seconds>(host.clock().now()), 8 * 60);
}

sdk::Result<OverseasSettings> settings_of(sdk::Host& host, const std::string& province) {
  auto raw = host.channel_settings(province, "overseas");
  if (!raw) return sdk::Error{"CHANNEL_DISABLED", "The overseas channel is not offered in this province.",
                              "该省未开通境外考生认证渠道。", "province"};
  return parse_overseas_settings(*raw);
}

HttpResponse error_of(const sdk::Error& e) {
  int status = e.code == "CHANNEL_DISABLED" || e.code == "CASE_NOT_FOUND" ? 404
               : e.code == "CHANNEL_SETTINGS_INVALID"                     ? 500
                                                                           : 400;
  if (e.code == "CASE_EXISTS" || e.code == "ALREADY_VERIFIED" || e.code == "ILLEGAL_TRANSITION") status = 409;
  return HttpResponse::error(status, e);
}

bool collecting(const sdk::CaseView& c) { return c.status == "collecting" || c.status == "unverified"; }

}  // namespace

HttpResponse OverseasChannel::open_case(const sdk::HttpRequest& r) {
  auto body = body_object(r);
  if (!body) return bad("INVALID_JSON", "The body must be a JSON object.", "请求体必须是 JSON 对象。");
  HttpResponse err;
  sdk::OpenCaseRequest o;
  auto province = text(*body, "province", 32, true, err);
  auto session = text(*body, "exam_session", 32, true, err);
  auto name = text(*body, "name", 90, true, err);
  auto id_number = text(*body, "id_number", 32, true, err);
  auto sex = text(*body, "sex", 1, true, err);
  auto phone = text(*body, "phone", 20, true, err);
  auto number = text(*body, "passport_number", 20, true, err);
  auto surname = text(*body, "surname", 39, true, err);
  auto given = text(*body, "given_names", 39, false, err);
  auto nationality = text(*body, "nationality", 3, false, err);
  auto birth = text(*body, "birth", 10, false, err);
  auto offset = text(*body, "utc_offset", 6, false, err);
  if (!province || !session || !name || !id_number || !sex || !phone || !number || !surname || !given ||
      !nationality || !birth || !offset)
    return err;
  auto settings = settings_of(host_, *province);
  if (!settings) return error_of(settings.error());
  std::string pn = upper_alnum(*number);
  if (pn.size() < 5 || pn.size() > 9 || pn.size() != number->size())
    return bad("PASSPORT_NUMBER_INVALID", "The passport number has 5 to 9 letters and digits.",
               "护照号码应为 5 至 9 位字母或数字。", "passport_number");
  auto sn = passport_name(*surname), gn = passport_name(*given);
  if (!sn || !gn)
    return bad("PASSPORT_NAME_INVALID", "Enter the name in Latin letters as printed in the passport.",
               "请按护照所载以拉丁字母填写姓名。", sn ? "given_names" : "surname");
  if (!birth->empty() && (birth->size() != 10 || !parse_datetime(*birth + "T00:00:00Z")))
    return bad("BIRTH_INVALID", "The date of birth must be YYYY-MM-DD.", "出生日期格式应为 YYYY-MM-DD。", "birth");
  if (!offset->empty() && !parse_offset(*offset))
    return bad("UTC_OFFSET_INVALID", "The time zone must be an offset like +01:00 or -05:00.",
               "时区应为 +01:00、-05:00 这样的偏移。", "utc_offset");
  o.province = *province;
  o.channel = "overseas";
  o.exam_session = *session;
  o.identity.name = *name;
  o.identity.id_number = *id_number;
  o.identity.sex = *sex;
  o.identity.phone = *phone;
  o.identity.extra = {{"passport_number", pn}, {"surname", *sn}, {"given_names", *gn},
                      {"nationality", upper_alnum(*nationality)}, {"birth", *birth},
                      {"utc_offset", offset->empty() ? "+08:00" : *offset}};
  sdk::Actor actor = r.actor.role.empty() || r.actor.role == "anonymous" ? sdk::Actor{"citizen", "", "", "citizen"}
                                                                          : r.actor;
  auto opened = host_.cases().open(o, actor);
  if (!opened) return error_of(opened.error());
  host_.logger().info("overseas: case opened " + opened->case_id + " passport " + sdk::mask_id_number(pn));
  return HttpResponse::json(201, {{"case_id", opened->case_id},
                                  {"candidate_id", opened->candidate_id},
                                  {"citizen_token", opened->citizen_token},
                                  {"embassy_certificate_required", settings->embassy_certificate_required}});
}

json OverseasChannel::free_slots(const std::string& province, const OverseasSettings& s, int offset) {
  json out = json::array();
  auto now = std::chrono::floor<std::chrono::seconds>(host_.clock().now());
  for (const auto& slot : s.video_slots) {
    if (slot.start <= now) continue;
    auto taken = host_.records().list(kBookings, province + "|" + slot.start_text).size();
    int left = slot.capacity - static_cast<int>(taken);
    out.push_back({{"slot", slot.start_text},
                   {"start", format_datetime(slot.start, offset)},
                   {"start_beijing", format_datetime(slot.start, 8 * 60)},
                   {"minutes", slot.minutes},
                   {"free", std::max(0, left)}});
  }
  return out;
}

HttpResponse OverseasChannel::list_slots(const sdk::HttpRequest& r) {
  auto province = r.params.count("province") ? r.params.at("province") : "";
  auto s = settings_of(host_, province);
  if (!s) return error_of(s.error());
  int offset = 8 * 60;
  if (auto q = r.query.find("utc_offset"); q != r.query.end()) {
    auto o = parse_offset(q->second);
    if (!o) return bad("UTC_OFFSET_INVALID", "utc_offset must look like +01:00 or -05:00.",
                       "utc_offset 应为 +01:00、-05:00 这样的偏移。", "utc_offset");
    offset = *o;
  }
  return HttpResponse::json(200, {{"video_verification", s->video != VideoMode::off},
                                  {"slots", free_slots(province, *s, offset)}});
}

HttpResponse OverseasChannel::put_contact(const sdk::HttpRequest& r, const sdk::CaseView& c) {
  if (!collecting(c)) return bad("CASE_NOT_EDITABLE", "The case was already submitted.", "申请已提交，不能修改。");
  auto body = body_object(r);
  if (!body) return bad("INVALID_JSON", "The body must be a JSON object.", "请求体必须是 JSON 对象。");
  HttpResponse err;
  auto name = text(*body, "name", 90, true, err);
  auto rel = text(*body, "relationship", 30, true, err);
  auto phone = text(*body, "phone", 20, true, err);
  if (!name || !rel || !phone) return err;
  if (!phone_ok(*phone))
    return bad("PHONE_INVALID", "Enter a valid phone number for the contact.", "请填写联系人的有效电话号码。", "phone");
  json v = {{"name", *name}, {"relationship", *rel}, {"phone", *phone}, {"updated_at", now_text(host_)}};
  if (auto s = host_.records().put(kContacts, c.id, v, c.province); !s) return error_of(s.error());
  return HttpResponse::json(200, {{"contact", {{"name", sdk::mask_name(*name)}, {"relationship", *rel},
                                               {"phone", sdk::mask_phone(*phone)}}}});
}

HttpResponse OverseasChannel::get_state(const sdk::HttpRequest& r, const sdk::CaseView& c) {
  bool staff = r.actor.role != "citizen";
  json out = {{"case_id", c.id}, {"status", c.status}};
  if (auto contact = host_.records().get(kContacts, c.id)) {
    json shown = *contact;
    if (!staff) {
      shown["name"] = sdk::mask_name(shown.value("name", ""));
      shown["phone"] = sdk::mask_phone(shown.value("phone", ""));
    }
    out["contact"] = shown;
  } else {
    out["contact"] = nullptr;
  }
  out["booking"] = host_.records().get(kBookings, c.id).value_or(json(nullptr));
  json video = host_.records().get(kVideo, c.id).value_or(json::object());
  if (!staff) video.erase("note");
  out["video"] = video;
  return HttpResponse::json(200, out);
}

HttpResponse OverseasChannel::book(const sdk::HttpRequest& r, const sdk::CaseView& c) {
  if (!collecting(c)) return bad("CASE_NOT_EDITABLE", "The case was already submitted.", "申请已提交，不能修改。");
  auto s = settings_of(host_, c.province);
  if (!s) return error_of(s.error());
  if (s->video != VideoMode::live && s->video != VideoMode::live_or_recorded)
    return bad("VIDEO_NOT_OFFERED", "This province does not hold video sessions.", "该省不提供视频核验预约。");
  auto body = body_object(r);
  if (!body) return bad("INVALID_JSON", "The body must be a JSON object.", "请求体必须是 JSON 对象。");
  HttpResponse err;
  auto slot_id = text(*body, "slot", 40, true, err);
  if (!slot_id) return err;
  std::string off_text = c.identity.extra.value("utc_offset", "+08:00");
  int offset = parse_offset(off_text).value_or(8 * 60);
  const VideoSlot* slot = nullptr;
  for (const auto& v : s->video_slots)
    if (v.start_text == *slot_id) slot = &v;
  auto now = std::chrono::floor<std::chrono::seconds>(host_.clock().now());
  if (!slot || slot->start <= now)
    return bad("SLOT_UNKNOWN", "No such future slot.", "没有该可预约时段。", "slot");
  std::lock_guard lock(booking_mu_);
  std::string index = c.province + "|" + slot->start_text;
  auto existing = host_.records().get(kBookings, c.id);
  bool same = existing && existing->value("slot", "") == slot->start_text;
  if (!same && static_cast<int>(host_.records().list(kBookings, index).size()) >= slot->capacity)
    return bad("SLOT_FULL", "This slot is fully booked; choose another.", "该时段已约满，请选择其他时段。", "slot");
  json b = {{"slot", slot->start_text},
            {"start", format_datetime(slot->start, offset)},
            {"start_beijing", format_datetime(slot->start, 8 * 60)},
            {"minutes", slot->minutes},
            {"booked_at", now_text(host_)}};
  if (auto st = host_.records().put(kBookings, c.id, b, index); !st) return error_of(st.error());
  return HttpResponse::json(200, {{"booking", b}});
}

HttpResponse OverseasChannel::cancel(const sdk::HttpRequest&, const sdk::CaseView& c) {
  auto existing = host_.records().get(kBookings, c.id);
  if (!existing) return HttpResponse::error(404, {"NO_BOOKING", "There is no booking.", "没有预约。", ""});
  auto start = parse_datetime(existing->value("slot", ""));
  if (!collecting(c) || (start && *start <= std::chrono::floor<std::chrono::seconds>(host_.clock().now())))
    return bad("CASE_NOT_EDITABLE", "The booking can no longer be cancelled.", "该预约已不能取消。");
  std::lock_guard lock(booking_mu_);
  if (auto st = host_.records().remove(kBookings, c.id); !st) return error_of(st.error());
  return HttpResponse::json(200, {{"cancelled", true}});
}

HttpResponse OverseasChannel::challenge(const sdk::HttpRequest&, const sdk::CaseView& c) {
  if (!collecting(c)) return bad("CASE_NOT_EDITABLE", "The case was already submitted.", "申请已提交，不能修改。");
  auto s = settings_of(host_, c.province);
  if (!s) return error_of(s.error());
  if (s->video != VideoMode::recorded && s->video != VideoMode::live_or_recorded)
    return bad("VIDEO_NOT_OFFERED", "This province does not accept recorded videos.", "该省不接受录制视频核验。");
  std::random_device rd;  // the OS's CSPRNG on Linux
  std::string code;
  for (int i = 0; i < 6; ++i) code += static_cast<char>('0' + rd() % 10);
  json video = host_.records().get(kVideo, c.id).value_or(json::object());
  video["mode"] = "recorded";
  video["challenge_code"] = code;
  video["challenge_issued_at"] = now_text(host_);
  if (auto st = host_.records().put(kVideo, c.id, video, c.province); !st) return error_of(st.error());
  return HttpResponse::json(200, {{"challenge_code", code},
                                  {"instructions", "Record a video of your face and the passport's data page, "
                                                   "reading these digits aloud, then upload it as 'video-recording'."},
                                  {"instructions_zh", "请录制一段视频：正面出镜并展示护照资料页，朗读以上数字，然后以 "
                                                      "video-recording 类型上传。"}});
}

HttpResponse OverseasChannel::session(const sdk::HttpRequest& r, const sdk::CaseView& c) {
  auto body = body_object(r);
  if (!body) return bad("INVALID_JSON", "The body must be a JSON object.", "请求体必须是 JSON 对象。");
  HttpResponse err;
  auto link = text(*body, "link", 500, true, err);
  if (!link) return err;
  if (link->rfind("https://", 0) != 0)
    return bad("LINK_INVALID", "The session link must be an https:// address.", "会议链接必须以 https:// 开头。", "link");
  json video = host_.records().get(kVideo, c.id).value_or(json::object());
  video["mode"] = video.value("mode", "live");
  video["session_link"] = *link;
  video["session_set_by"] = r.actor.id;
  if (auto st = host_.records().put(kVideo, c.id, video, c.province); !st) return error_of(st.error());
  return HttpResponse::json(200, {{"video", video}});
}

HttpResponse OverseasChannel::outcome(const sdk::HttpRequest& r, const sdk::CaseView& c) {
  auto body = body_object(r);
  if (!body) return bad("INVALID_JSON", "The body must be a JSON object.", "请求体必须是 JSON 对象。");
  HttpResponse err;
  auto result = text(*body, "outcome", 20, true, err);
  auto note = text(*body, "note", 2000, false, err);
  auto rec = text(*body, "recording_ref", 500, false, err);
  if (!result || !note || !rec) return err;
  if (*result != "passed" && *result != "failed" && *result != "no_show")
    return bad("INVALID_FIELD", "outcome must be passed, failed or no_show.", "核验结果应为 passed、failed 或 no_show。",
               "outcome");
  json video = host_.records().get(kVideo, c.id).value_or(json::object());
  if (video.value("mode", "") == "recorded") {
    auto it = body->find("challenge_ok");
    if (it == body->end() || !it->is_boolean())
      return bad("MISSING_FIELD", "For a recorded video, say whether the spoken code matched (challenge_ok).",
                 "录制视频核验需填写验证码是否一致（challenge_ok）。", "challenge_ok");
    if (*result == "passed" && !it->get<bool>())
      return bad("INVALID_FIELD", "A video whose spoken code does not match cannot pass.",
                 "朗读的验证码不一致，不能判定为通过。", "challenge_ok");
    video["challenge_ok"] = it->get<bool>();
  }
  video["outcome"] = *result;
  video["note"] = *note;
  if (!rec->empty()) video["recording_ref"] = *rec;
  video["reviewer"] = r.actor.id;
  video["recorded_at"] = now_text(host_);
  if (auto st = host_.records().put(kVideo, c.id, video, c.province); !st) return error_of(st.error());
  host_.logger().info("overseas: video outcome " + *result + " for case " + c.id + " by " + r.actor.display);
  return HttpResponse::json(200, {{"video", video}});
}

}  // namespace shiming::overseas
