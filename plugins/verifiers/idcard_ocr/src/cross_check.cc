#include <algorithm>

#include "shiming/idcard_ocr/idcard_ocr.h"
#include "shiming/idcard_ocr/reasons.h"
#include "shiming/idcard_ocr/text_rules.h"
#include "shiming/idnumber/id_number.h"

namespace shiming::idcard_ocr {

using namespace std::chrono;

nlohmann::json fields_json(const Fields& fields) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, f] : fields) j[k] = f.value;
  return j;
}

nlohmann::json confidences_json(const Fields& fields) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, f] : fields) j[k] = std::round(f.confidence * 1000) / 1000;
  return j;
}

CardCheck cross_check(const SideReading* front, const SideReading* back, const Declared& declared,
                      const CrossCheckOptions& o, year_month_day exam_date, year_month_day today) {
  CardCheck c;
  bool fail = false, low = false;
  auto add = [&](const std::string& code) {
    if (std::find(c.reasons.begin(), c.reasons.end(), code) == c.reasons.end()) c.reasons.push_back(code);
  };
  for (const SideReading* s : {front, back}) {
    if (!s) continue;
    for (const auto& [k, f] : s->fields) c.fields[k] = f;
    for (const auto& code : s->reasons) {
      add(code);
      fail = true;  // every reading problem asks for a new photo
    }
  }
  // The authority printed on the back issues for the district of the address on the front.
  if (auto a = c.fields.find("issuing_authority"), ad = c.fields.find("address");
      a != c.fields.end() && ad != c.fields.end())
    a->second.value = snap_issuing_authority(a->second.value, ad->second.value);
  if (fail) {
    c.verdict = Verdict::fail;
    return c;
  }
  auto confident = [&](const char* key) {
    auto it = c.fields.find(key);
    return it != c.fields.end() && it->second.confidence >= o.min_field_confidence;
  };
  auto value = [&](const char* key) -> std::string {
    auto it = c.fields.find(key);
    return it == c.fields.end() ? std::string() : it->second.value;
  };
  // Fail when the evidence is sure, send to review when a field involved is uncertain.
  auto conclude = [&](const std::string& code, std::initializer_list<const char*> keys) {
    bool sure = std::all_of(keys.begin(), keys.end(), [&](const char* k) { return confident(k); });
    if (sure) {
      add(code);
      fail = true;
    } else {
      low = true;
    }
  };

  std::vector<const char*> required;
  if (front) required.insert(required.end(), {"name", "sex", "ethnicity", "birth", "address", "id_number"});
  if (back || o.require_back) required.insert(required.end(), {"issuing_authority", "valid_from", "valid_to"});
  for (const char* k : required)
    if (!confident(k)) low = true;

  idnumber::Options idopt;
  idopt.today = today;
  std::optional<idnumber::IdCheck> number;
  if (!value("id_number").empty()) {
    number = idnumber::check(value("id_number"), idopt);
    if (!number->valid) conclude("ID_NUMBER_INVALID", {"id_number"});
  }
  if (number && number->valid) {
    if (!declared.id_number.empty()) {
      auto typed = idnumber::check(declared.id_number, idopt);
      std::string typed_norm = typed.normalized.empty() ? normalize_name(declared.id_number) : typed.normalized;
      if (typed_norm != number->normalized) conclude("ID_NUMBER_MISMATCH", {"id_number"});
    }
    if (number->birth && !value("birth").empty() && value("birth") != format_date(*number->birth))
      conclude("BIRTH_MISMATCH", {"birth", "id_number"});
    std::string sex = value("sex");
    if (!sex.empty() && number->sex && ((sex == "男") != (number->sex == 'M')))
      conclude("SEX_MISMATCH", {"sex", "id_number"});
  }
  if (!declared.name.empty() && !value("name").empty()) {
    bool same = o.name_match == NameMatch::exact ? declared.name == value("name")
                                                 : normalize_name(declared.name) == normalize_name(value("name"));
    if (!same) conclude("NAME_MISMATCH", {"name"});
  }
  // Validity on the exam date, and a lawful span.
  auto from = parse_iso_date(value("valid_from"));
  std::string to_text = value("valid_to");
  if (from) {
    Validity v;
    v.from = *from;
    v.long_term = to_text == "长期";
    auto to = parse_iso_date(to_text);
    if (!v.long_term && to) v.to = *to;
    year_month_day on = exam_date.ok() ? exam_date : today;
    if (o.check_expiry && !v.long_term && to && sys_days(*to) < sys_days(on))
      conclude("CARD_EXPIRED", {"valid_to"});
    std::optional<year_month_day> birth;
    if (number && number->birth) birth = number->birth;
    else if (auto b = parse_iso_date(value("birth"))) birth = *b;
    if (sys_days(v.from) > sys_days(today) || (birth && sys_days(v.from) < sys_days(*birth)) ||
        (birth && (v.long_term || to) && !validity_span_allowed(v, *birth)))
      conclude("VALIDITY_SPAN_INVALID", {"valid_from", "valid_to"});
  }
  if (low) add("OCR_LOW_CONFIDENCE");
  c.verdict = fail ? Verdict::fail : low ? Verdict::needs_review : Verdict::pass;
  return c;
}

}  // namespace shiming::idcard_ocr
