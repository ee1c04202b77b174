#include "idcard_ocr_verifier.h"

#include <chrono>

#include "shiming/idcard_ocr/idcard_ocr.h"
#include "shiming/idcard_ocr/reasons.h"
#include "shiming/idcard_ocr/text_rules.h"

namespace shiming::idcard_ocr {
namespace {

using sdk::ConfigField;
using sdk::FieldType;
using sdk::Finding;
using sdk::Outcome;

ConfigField number_field(const char* name, double def, double lo, double hi, const char* doc) {
  ConfigField f;
  f.name = name;
  f.type = FieldType::number;
  f.default_value = def;
  f.min = lo;
  f.max = hi;
  f.doc = doc;
  return f;
}

Finding params_error(const std::string& what) {
  return Finding::with(Outcome::error, {"OCR_PARAMS_INVALID", "Invalid idcard_ocr step parameters: " + what,
                                        "身份证识别步骤参数错误：" + what, "Staff will review your case.",
                                        "工作人员将人工审核您的申请。"});
}

std::chrono::year_month_day china_date(std::chrono::system_clock::time_point t) {
  return std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(t + std::chrono::hours(8)));
}

nlohmann::json side_details(const SideReading& s) {
  return {{"reasons", s.reasons},     {"upside_down", s.upside_down}, {"card_found", s.card_found},
          {"quality", s.quality},     {"timings_ms", s.timings_ms}};
}

}  // namespace

IdCardOcrVerifier::IdCardOcrVerifier(const sdk::PluginInit&) {}

sdk::ConfigSchema IdCardOcrVerifier::config_schema() { return {}; }

sdk::ConfigSchema IdCardOcrVerifier::rules_schema() {
  sdk::ConfigSchema s;
  s.fields.push_back(number_field("min_field_confidence", 0.80, 0, 1,
                                  "A field read with less confidence sends the case to review (OCR_LOW_CONFIDENCE) "
                                  "instead of rejecting it."));
  s.fields.push_back(number_field("max_blur", 0.08, 0.01, 5,
                                  "Largest estimated blur (Gaussian sigma) of the print, in mm on the card; sharp print measures ~0.03 (IMAGE_BLURRED)."));
  s.fields.push_back(number_field("min_card_area_fraction", 0.04, 0.01, 1,
                                  "Smallest share of the photo the card must cover (CARD_TOO_SMALL)."));
  s.fields.push_back(number_field("max_glare", 0.12, 0.001, 1,
                                  "Largest blown-out share of a text field (GLARE)."));
  ConfigField expiry;
  expiry.name = "check_expiry";
  expiry.type = FieldType::boolean;
  expiry.default_value = true;
  expiry.doc = "Reject a card that is not valid on the exam date (CARD_EXPIRED).";
  s.fields.push_back(expiry);
  ConfigField match;
  match.name = "name_match";
  match.type = FieldType::string;
  match.default_value = "normalised";
  match.allowed = {"exact", "normalised"};
  match.doc = "How the declared name is compared: exact, or after normalising full-width forms, spaces and dots.";
  s.fields.push_back(match);
  return s;
}

std::vector<std::string> IdCardOcrVerifier::evidence_needed() const {
  return {sdk::evidence_kind::kIdFront, sdk::evidence_kind::kIdBack};
}

Finding IdCardOcrVerifier::run(sdk::VerificationContext& ctx) {
  const nlohmann::json& p = ctx.params();
  if (!p.is_object() && !p.is_null()) return params_error("params must be a map");
  ReaderOptions ro;
  CrossCheckOptions co;
  if (p.is_object()) {
    auto num = [&](const char* key, double& into, double lo, double hi) -> bool {
      auto it = p.find(key);
      if (it == p.end()) return true;
      if (!it->is_number() || it->get<double>() < lo || it->get<double>() > hi) return false;
      into = it->get<double>();
      return true;
    };
    if (!num("min_field_confidence", co.min_field_confidence, 0, 1))
      return params_error("min_field_confidence must be a number in 0..1");
    if (!num("max_blur", ro.max_blur, 0.01, 5)) return params_error("max_blur must be a number in 0.01..5");
    if (!num("min_card_area_fraction", ro.min_card_area_fraction, 0.01, 1))
      return params_error("min_card_area_fraction must be a number in 0.01..1");
    if (!num("max_glare", ro.max_glare, 0.001, 1)) return params_error("max_glare must be a number in 0.001..1");
    if (auto it = p.find("check_expiry"); it != p.end()) {
      if (!it->is_boolean()) return params_error("check_expiry must be true or false");
      co.check_expiry = it->get<bool>();
    }
    if (auto it = p.find("name_match"); it != p.end()) {
      if (!it->is_string() || (*it != "exact" && *it != "normalised"))
        return params_error("name_match must be exact or normalised");
      co.name_match = *it == "exact" ? NameMatch::exact : NameMatch::normalised;
    }
  }

  auto front_ev = ctx.evidence(sdk::evidence_kind::kIdFront);
  auto back_ev = ctx.evidence(sdk::evidence_kind::kIdBack);
  if (!front_ev || !back_ev)
    return Finding::with(Outcome::fail, {"EVIDENCE_MISSING", "The photos of both ID card sides are needed.",
                                         "需要身份证正反面照片。", "Upload both sides of your ID card.",
                                         "请上传身份证正反两面照片。"});
  SideReading front = read_side(front_ev->data, Side::front, ro);
  SideReading back = read_side(back_ev->data, Side::back, ro);

  const sdk::CaseView& subject = ctx.subject();
  Declared declared{subject.identity.name, subject.identity.id_number};
  auto today = china_date(ctx.clock().now());
  std::chrono::year_month_day exam{};
  if (auto d = parse_iso_date(subject.exam_date)) exam = *d;
  CardCheck check = cross_check(&front, &back, declared, co, exam, today);

  Finding f;
  f.outcome = check.verdict == Verdict::pass ? Outcome::pass
              : check.verdict == Verdict::fail ? Outcome::fail
                                               : Outcome::needs_review;
  for (const auto& code : check.reasons) f.reasons.push_back(reason_for(code));
  double min_conf = 1.0;
  for (const auto& [k, v] : check.fields) min_conf = std::min(min_conf, v.confidence);
  f.score = check.fields.empty() ? 0.0 : min_conf;
  f.details["fields"] = fields_json(check.fields);
  f.details["confidence"] = confidences_json(check.fields);
  f.details["front"] = side_details(front);
  f.details["back"] = side_details(back);
  if (!exam.ok()) f.details["validity_checked_on"] = format_date(today);
  else f.details["validity_checked_on"] = format_date(exam);

  if (!front.portrait_png.empty()) {
    sdk::Evidence portrait;
    portrait.kind = sdk::evidence_kind::kIdPortrait;
    portrait.content_type = "image/png";
    portrait.data = front.portrait_png;
    portrait.meta = {{"source", "id-front"}, {"verifier", "idcard_ocr"}};
    ctx.put_derived(portrait);
  }

  std::string codes;
  for (const auto& c : check.reasons) codes += (codes.empty() ? "" : ",") + c;
  auto it = check.fields.find("id_number");
  ctx.logger().info("idcard_ocr: case " + subject.id + ": " + sdk::to_string(f.outcome) + " number " +
                    (it == check.fields.end() ? std::string("(unread)") : sdk::mask_id_number(it->second.value)) +
                    (codes.empty() ? "" : " reasons " + codes));
  return f;
}

}  // namespace shiming::idcard_ocr
