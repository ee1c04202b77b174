#include "passport_mrz_verifier.h"

#include <chrono>

#include "shiming/mrz/mrz_reader.h"

namespace shiming::mrz {
namespace {

using sdk::Finding;
using sdk::Outcome;
using sdk::Reason;

Reason reason(const std::string& code, const std::string& detail = {}) {
  struct Text {
    const char* code;
    const char* en;
    const char* zh;
    const char* advice;
    const char* advice_zh;
  };
  static constexpr Text kTexts[] = {
      {"IMAGE_UNREADABLE", "The passport photo could not be read as an image.", "护照照片无法识别为图片。",
       "Upload a JPEG or PNG photo of the passport's data page.", "请上传护照资料页的 JPEG 或 PNG 照片。"},
      {"IMAGE_TOO_LARGE", "The passport photo is too large.", "护照照片尺寸过大。",
       "Upload a smaller photo (a normal phone photo is fine).", "请上传较小的照片（普通手机照片即可）。"},
      {"MRZ_NOT_FOUND", "The machine-readable zone (the two lines of <<< at the bottom) was not found.",
       "未找到护照资料页底部的机读区（两行含 <<< 的字符）。",
       "Photograph the whole data page flat, in good light, without glare, with the two bottom lines sharp.",
       "请在光线充足、无反光处平放拍摄完整的护照资料页，确保底部两行字符清晰。"},
      {"MRZ_CHECK_DIGIT", "The machine-readable zone failed its check digits.", "机读区校验位不符。",
       "Take a sharper photo of the data page and upload it again; if this repeats, staff will check it.",
       "请重新拍摄更清晰的资料页照片并上传；如仍不通过，将由工作人员核查。"},
      {"MRZ_UNCERTAIN", "Some characters of the machine-readable zone could not be read with certainty.",
       "机读区部分字符无法确认。", "Staff will compare the photo with your declaration.",
       "工作人员将人工核对照片与您填写的信息。"},
      {"PASSPORT_EXPIRED", "The passport expires before the exam date.", "护照在考试日期前已过期。",
       "Renew the passport and upload the data page of the new one.", "请更换护照后上传新护照的资料页。"},
      {"MRZ_NUMBER_MISMATCH", "The passport number differs from the one you declared.", "护照号码与填报信息不一致。",
       "Correct the passport number in your registration or upload the right passport.",
       "请更正报名信息中的护照号码，或上传正确的护照。"},
      {"MRZ_NAME_MISMATCH", "The name in the passport differs from the name you declared.", "护照姓名与填报姓名不一致。",
       "Declare your name exactly as printed in the passport (surname and given names).",
       "请按护照所载填写姓名（姓和名）。"},
      {"MRZ_BIRTH_MISMATCH", "The date of birth in the passport differs from the one you declared.",
       "护照出生日期与填报信息不一致。", "Correct your date of birth in the registration.", "请更正报名信息中的出生日期。"},
      {"MRZ_SEX_MISMATCH", "The sex in the passport differs from the one you declared.", "护照性别与填报信息不一致。",
       "Correct your registration.", "请更正报名信息。"},
      {"PASSPORT_NOT_DECLARED", "No passport number was declared.", "未填报护照号码。",
       "Enter your passport number and name as in the passport.", "请填写护照号码及护照上的姓名。"},
  };
  for (const auto& t : kTexts)
    if (code == t.code)
      return Reason{code, detail.empty() ? t.en : std::string(t.en) + " (" + detail + ")", t.zh, t.advice,
                    t.advice_zh};
  return Reason{code, detail, detail, "Staff will review your case.", "工作人员将人工审核您的申请。"};
}

// Upper-case letters, every other run of characters one space: "Zhang-San  li" -> "ZHANG SAN LI".
std::string normalise_name(const std::string& s) {
  std::string out;
  for (char c : s) {
    char u = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    if (u >= 'A' && u <= 'Z') out += u;
    else if (!out.empty() && out.back() != ' ') out += ' ';
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string normalise_number(const std::string& s) {
  std::string out;
  for (char c : s) {
    char u = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    if ((u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9')) out += u;
  }
  return out;
}

std::string text(const nlohmann::json& extra, const char* key) {
  auto it = extra.find(key);
  return it != extra.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string today_utc8(std::chrono::system_clock::time_point t) {
  auto ymd = std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(t + std::chrono::hours(8)));
  char b[16];
  std::snprintf(b, sizeof b, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return b;
}

sdk::ConfigField choice(const char* name, std::vector<std::string> allowed, const char* def, const char* doc) {
  sdk::ConfigField f;
  f.name = name;
  f.type = sdk::FieldType::string;
  f.allowed = std::move(allowed);
  f.default_value = def;
  f.doc = doc;
  return f;
}

}  // namespace

PassportMrzVerifier::PassportMrzVerifier(const sdk::PluginInit&) {}

sdk::ConfigSchema PassportMrzVerifier::config_schema() { return {}; }

sdk::ConfigSchema PassportMrzVerifier::rules_schema() {
  sdk::ConfigSchema s;
  sdk::ConfigField valid;
  valid.name = "require_valid_on_exam_date";
  valid.type = sdk::FieldType::boolean;
  valid.default_value = true;
  valid.doc = "Fail with PASSPORT_EXPIRED when the passport expires before the exam date (today when unknown).";
  s.fields.push_back(valid);
  s.fields.push_back(choice("name_match", {"fail", "review", "off"}, "fail",
                            "What a name differing from the declaration leads to."));
  s.fields.push_back(choice("number_match", {"fail", "review", "off"}, "fail",
                            "What a passport number differing from the declaration leads to."));
  s.fields.push_back(choice("birth_match", {"fail", "review", "off"}, "fail",
                            "What a birth date differing from the declaration leads to."));
  s.fields.push_back(choice("doubtful", {"review", "fail", "pass"}, "review",
                            "A valid zone with characters read with little certainty."));
  sdk::ConfigField px;
  px.name = "max_pixels";
  px.type = sdk::FieldType::integer;
  px.default_value = 40'000'000;
  px.min = 10'000;
  px.max = 200'000'000;
  px.doc = "Largest image accepted (checked from the header before decoding).";
  s.fields.push_back(px);
  return s;
}

Finding PassportMrzVerifier::run(sdk::VerificationContext& ctx) {
  const nlohmann::json& p = ctx.params();
  auto param = [&](const char* key, const std::string& def) {
    auto it = p.find(key);
    return it != p.end() && it->is_string() ? it->get<std::string>() : def;
  };
  auto ev = ctx.evidence(sdk::evidence_kind::kPassport);
  if (!ev) return Finding::with(Outcome::fail, reason("MRZ_NOT_FOUND", "no passport photo"));
  const std::string today = today_utc8(ctx.clock().now());
  ReaderOptions ro;
  ro.reference_year = std::stoi(today.substr(0, 4));
  if (auto it = p.find("max_pixels"); it != p.end() && it->is_number_integer())
    ro.max_pixels = it->get<std::size_t>();
  auto read = read_mrz(ev->data, ro);
  if (!read.ok()) return Finding::with(Outcome::fail, reason(read.error().code));
  const ReadResult& r = *read;

  Finding f;
  f.details["engine"] = r.engine;
  f.details["read_ms"] = r.millis;
  if (!r.parsed) {
    ctx.logger().info("passport_mrz: no zone found");
    f.outcome = Outcome::fail;
    f.reasons.push_back(reason("MRZ_NOT_FOUND"));
    return f;
  }
  const ParsedMrz& m = *r.parsed;
  const Fields& mf = m.fields;
  nlohmann::json checks = nlohmann::json::object();
  for (const auto& c : m.checks) checks[c.name] = c.ok;
  f.details["format"] = to_string(m.format);
  f.details["checks"] = checks;
  f.details["corrections"] = m.corrections.size();
  f.details["doubtful"] = r.doubtful;
  f.details["document_code"] = mf.document_code;
  f.details["document_number"] = sdk::mask_id_number(mf.document_number);
  f.details["surname"] = sdk::mask_name(mf.surname);
  f.details["nationality"] = mf.nationality;
  f.details["expiry"] = mf.expiry;
  f.details["sex"] = mf.sex;
  if (!m.valid) {
    std::string failed;
    for (const auto& c : m.checks)
      if (!c.ok) failed += (failed.empty() ? "" : ", ") + c.name;
    for (const auto& pr : m.problems)
      if (pr.rfind("names", 0) == 0 || pr.rfind("birth", 0) == 0 || pr.rfind("expiry", 0) == 0)
        failed += (failed.empty() ? "" : ", ") + pr.substr(0, pr.find(':'));
    f.outcome = Outcome::fail;
    f.reasons.push_back(reason("MRZ_CHECK_DIGIT", failed));
    return f;
  }

  std::vector<Reason> fails, reviews;
  auto mismatch = [&](const std::string& mode, Reason why) {
    if (mode == "fail") fails.push_back(std::move(why));
    else if (mode == "review") reviews.push_back(std::move(why));
  };
  bool require_valid = true;
  if (auto it = p.find("require_valid_on_exam_date"); it != p.end() && it->is_boolean()) require_valid = it->get<bool>();
  const std::string& exam = ctx.subject().exam_date;
  const std::string on = exam.empty() ? today : exam;
  if (require_valid && mf.expiry < on) fails.push_back(reason("PASSPORT_EXPIRED", "expires " + mf.expiry + ", needed " + on));

  const auto& id = ctx.subject().identity;
  const std::string number = normalise_number(text(id.extra, "passport_number"));
  if (number.empty()) reviews.push_back(reason("PASSPORT_NOT_DECLARED"));
  else if (number != mf.document_number) mismatch(param("number_match", "fail"), reason("MRZ_NUMBER_MISMATCH"));

  std::string surname = normalise_name(text(id.extra, "surname"));
  std::string given = normalise_name(text(id.extra, "given_names"));
  if (!surname.empty() || !given.empty()) {
    // The zone holds 39 characters of names: a long name is truncated there.
    std::string declared = surname + "<<" + given, zone = mf.surname + "<<" + mf.given_names;
    bool truncated = normalise_name(m.lines[m.format == Format::td1 ? 2 : 0]).size() > 0 &&
                     (m.format == Format::td1 ? m.lines[2].back() : m.lines[0].back()) != '<';
    bool same = truncated ? declared.rfind(zone, 0) == 0 : declared == zone;
    if (!same) mismatch(param("name_match", "fail"), reason("MRZ_NAME_MISMATCH"));
  }
  const std::string birth = text(id.extra, "birth");
  if (!birth.empty() && !mf.birth.empty() && birth != mf.birth)
    mismatch(param("birth_match", "fail"), reason("MRZ_BIRTH_MISMATCH"));
  if ((id.sex == "M" || id.sex == "F") && (mf.sex == "M" || mf.sex == "F") && id.sex != mf.sex)
    reviews.push_back(reason("MRZ_SEX_MISMATCH"));
  if (r.doubtful > 0) {
    std::string mode = param("doubtful", "review");
    if (mode == "fail") fails.push_back(reason("MRZ_UNCERTAIN"));
    else if (mode == "review") reviews.push_back(reason("MRZ_UNCERTAIN"));
  }

  ctx.logger().info("passport_mrz: " + std::string(to_string(m.format)) + " " +
                    sdk::mask_id_number(mf.document_number) + " checks ok, " + std::to_string(fails.size()) +
                    " failing, " + std::to_string(reviews.size()) + " for review");
  if (!fails.empty()) {
    f.outcome = Outcome::fail;
    f.reasons = std::move(fails);
    f.reasons.insert(f.reasons.end(), reviews.begin(), reviews.end());
  } else if (!reviews.empty()) {
    f.outcome = Outcome::needs_review;
    f.reasons = std::move(reviews);
  } else {
    f.outcome = Outcome::pass;
    f.score = 1.0;
  }
  return f;
}

}  // namespace shiming::mrz
