#include "shiming/idcard_ocr/ctl_ocr_idcard.h"

#include <chrono>
#include <fstream>
#include <iomanip>
#include <iterator>
#include <optional>

#include "shiming/idcard_ocr/idcard_ocr.h"
#include "shiming/idcard_ocr/reasons.h"
#include "shiming/idcard_ocr/text_rules.h"

namespace shiming::idcard_ocr {
namespace {

using namespace std::chrono;

std::optional<std::vector<std::uint8_t>> slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::vector<std::uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

year_month_day china_today() {
  auto now = floor<days>(system_clock::now() + hours(8));
  return year_month_day{now};
}

const char* verdict_name(Verdict v) {
  return v == Verdict::pass ? "pass" : v == Verdict::fail ? "fail" : "needs_review";
}

nlohmann::json side_json(const SideReading& s) {
  return {{"reasons", s.reasons}, {"upside_down", s.upside_down}, {"quality", s.quality}, {"timings_ms", s.timings_ms}};
}

const char* kUsage =
    "usage: shimingctl ocr idcard --front FILE [--back FILE] [--json] [--name NAME] [--id-number NUMBER]\n"
    "                             [--exam-date YYYY-MM-DD] [--today YYYY-MM-DD] [--min-confidence 0..1]\n";

}  // namespace

int run_ocr_idcard(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string front_path, back_path;
  bool json = false;
  Declared declared;
  CrossCheckOptions opts;
  year_month_day exam{}, today = china_today();
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto next = [&]() -> std::optional<std::string> {
      if (i + 1 >= args.size()) return std::nullopt;
      return args[++i];
    };
    std::optional<std::string> v;
    if (a == "--json") { json = true; continue; }
    if (a == "--front" || a == "--back" || a == "--name" || a == "--id-number" || a == "--exam-date" ||
        a == "--today" || a == "--min-confidence") {
      v = next();
      if (!v) { err << "missing value after " << a << "\n" << kUsage; return 2; }
    } else {
      err << "unknown argument: " << a << "\n" << kUsage;
      return 2;
    }
    if (a == "--front") front_path = *v;
    else if (a == "--back") back_path = *v;
    else if (a == "--name") declared.name = *v;
    else if (a == "--id-number") declared.id_number = *v;
    else if (a == "--min-confidence") {
      try { opts.min_field_confidence = std::stod(*v); } catch (...) { err << "--min-confidence: not a number\n"; return 2; }
    } else {
      auto d = parse_iso_date(*v);
      if (!d) { err << a << ": expected YYYY-MM-DD, got " << *v << "\n"; return 2; }
      (a == "--exam-date" ? exam : today) = *d;
    }
  }
  if (front_path.empty()) { err << "--front is required\n" << kUsage; return 2; }
  auto front_bytes = slurp(front_path);
  if (!front_bytes) { err << "cannot read " << front_path << "\n"; return 2; }
  std::optional<std::vector<std::uint8_t>> back_bytes;
  if (!back_path.empty()) {
    back_bytes = slurp(back_path);
    if (!back_bytes) { err << "cannot read " << back_path << "\n"; return 2; }
  }
  opts.require_back = !back_path.empty();

  SideReading front = read_side(*front_bytes, Side::front);
  std::optional<SideReading> back;
  if (back_bytes) back = read_side(*back_bytes, Side::back);
  CardCheck check = cross_check(&front, back ? &*back : nullptr, declared, opts, exam, today);

  if (json) {
    nlohmann::json j;
    j["fields"] = fields_json(check.fields);
    j["confidence"] = confidences_json(check.fields);
    j["verdict"] = verdict_name(check.verdict);
    j["reasons"] = nlohmann::json::array();
    for (const auto& code : check.reasons) {
      auto r = reason_for(code);
      j["reasons"].push_back({{"code", r.code}, {"message", r.message}, {"message_zh", r.message_zh},
                              {"advice", r.advice}, {"advice_zh", r.advice_zh}});
    }
    j["front"] = side_json(front);
    if (back) j["back"] = side_json(*back);
    out << j.dump(2) << "\n";
  } else {
    static const char* kOrder[] = {"name", "sex", "ethnicity", "birth", "address", "id_number",
                                   "issuing_authority", "valid_from", "valid_to"};
    for (const char* k : kOrder) {
      auto it = check.fields.find(k);
      if (it == check.fields.end()) continue;
      out << std::left << std::setw(18) << k << std::setw(40) << it->second.value << " " << std::fixed
          << std::setprecision(2) << it->second.confidence << "\n";
    }
    out << "verdict           " << verdict_name(check.verdict) << "\n";
    for (const auto& code : check.reasons) {
      auto r = reason_for(code);
      out << "reason            " << code << ": " << r.message << " / " << r.message_zh << "\n";
    }
    for (const auto* s : {&front, back ? &*back : nullptr}) {
      if (!s) continue;
      out << "timings " << to_string(s->requested) << "     " << s->timings_ms.dump() << "\n";
      out << "quality " << to_string(s->requested) << "     " << s->quality.dump() << "\n";
    }
  }
  return check.verdict == Verdict::pass ? 0 : 1;
}

}  // namespace shiming::idcard_ocr
