// Validated province document (JSON) -> typed ProvinceRules.
#include <algorithm>

#include "rules/province_checks.h"

namespace shiming::rules {
namespace {

using nlohmann::json;

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
int integer(const json& j, const char* key, int fallback) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int>() : fallback;
}
TimePoint time_at(const json& j, const char* key) { return parse_time(str(j, key)).value_or(TimePoint{}); }
const json& member(const json& j, const char* key) {
  static const json empty = json::object();
  auto it = j.find(key);
  return it != j.end() ? *it : empty;
}

Calendar build_calendar(const json& cal) {
  std::set<Date> holidays, workdays;
  std::set<int> years;
  for (const auto& [year, entry] : cal.items()) {
    years.insert(std::stoi(year));
    for (const char* kind : {"holidays", "workdays"}) {
      for (const auto& item : member(entry, kind)) {
        auto span = parse_day_span(item.get<std::string>());
        if (!span) continue;
        for (auto d = std::chrono::sys_days{span->first}; d <= std::chrono::sys_days{span->second};
             d += std::chrono::days{1}) {
          (std::string(kind) == "holidays" ? holidays : workdays).insert(Date{d});
        }
      }
    }
  }
  return Calendar(std::move(holidays), std::move(workdays), std::move(years));
}

std::vector<PeakWindow> derived_peaks(const ExamSession& s) {
  using std::chrono::days;
  using std::chrono::sys_days;
  auto china_midnight = [](Date d) {  // 00:00 Asia/Shanghai of a date
    return std::chrono::time_point_cast<std::chrono::system_clock::duration>(
        sys_days{d} - std::chrono::hours{8});
  };
  std::vector<PeakWindow> out;
  Date first = china_date(s.registration_open);
  out.push_back({s.registration_open, china_midnight(Date{sys_days{first} + days{1}}), "报名首日",
                 "First day of registration", s.id, true});
  // The close instant itself is the end; "last two days" are the close's China
  // date and the day before it.
  TimePoint close = s.registration_close;
  Date last = china_date(close - std::chrono::seconds{1});
  TimePoint start = std::max(china_midnight(Date{sys_days{last} - days{1}}), s.registration_open);
  out.push_back({start, close, "报名最后两天", "Last two days of registration", s.id, true});
  return out;
}

}  // namespace

ProvinceRules build_province(const json& doc, const std::string& file) {
  ProvinceRules p;
  p.file = file;
  p.code = str(doc, "code");
  p.name = str(doc, "name");
  p.name_en = str(doc, "name_en");
  p.region_code = str(doc, "region_code");
  p.timezone = str(doc, "timezone");
  const json& identity = member(doc, "identity");
  p.identity.min_age = integer(identity, "min_age", 0);
  p.identity.max_age = integer(identity, "max_age", 150);

  for (const auto& [name, ch] : member(doc, "channels").items()) {
    ChannelRules c;
    c.name = name;
    c.enabled = ch.value("enabled", false);
    c.review_policy = str(ch, "review_policy");
    c.sla_working_days = integer(ch, "sla_working_days", 0);
    c.max_attempts = integer(ch, "max_attempts", 3);
    for (const auto& step : member(ch, "pipeline")) {
      c.pipeline.push_back({str(step, "verifier"), step.value("params", json::object())});
    }
    c.settings = ch.value("settings", json::object());
    if (c.settings.is_null()) c.settings = json::object();
    p.channels.emplace(name, std::move(c));
  }

  p.calendar = build_calendar(member(doc, "calendar"));

  for (const auto& s : member(doc, "sessions")) {
    ExamSession e;
    e.id = str(s, "id");
    e.name = str(s, "name");
    e.name_en = str(s, "name_en");
    e.registration_open = time_at(s, "registration_open");
    e.registration_close = time_at(s, "registration_close");
    e.verification_deadline = time_at(s, "verification_deadline");
    e.exam_date = parse_date(str(s, "exam_date")).value_or(Date{});
    if (auto score = parse_date(str(s, "score_release"))) e.score_release = *score;
    e.certificate_claim_days = integer(s, "certificate_claim_days", 30);
    e.remediation_attempts = integer(s, "remediation_attempts", 10);
    e.remediation_days_after_deadline = integer(s, "remediation_days_after_deadline", 0);
    p.sessions.push_back(std::move(e));
  }
  std::stable_sort(p.sessions.begin(), p.sessions.end(), [](const auto& a, const auto& b) {
    return a.registration_open < b.registration_open;
  });
  for (const auto& d : member(doc, "deadline_warning_days"))
    if (d.is_number_integer()) p.deadline_warning_days.push_back(d.get<int>());
  std::sort(p.deadline_warning_days.rbegin(), p.deadline_warning_days.rend());

  for (const auto& [code, a] : member(doc, "advice").items()) {
    p.advice[code] = AdviceText{str(a, "message"), str(a, "message_zh"), str(a, "advice"),
                                str(a, "advice_zh")};
  }

  const json& help = member(doc, "help");
  p.help.hotline = str(help, "hotline");
  p.help.hotline_hours = str(help, "hotline_hours");
  p.help.hotline_hours_en = str(help, "hotline_hours_en");
  p.help.consultation_url = str(help, "consultation_url");
  for (const auto& f : member(help, "faq")) {
    p.help.faq.push_back({str(f, "topic"), str(f, "question"), str(f, "question_en"),
                          str(f, "answer"), str(f, "answer_en")});
  }

  for (const auto& s : p.sessions) {
    for (auto& w : derived_peaks(s)) p.peaks.push_back(std::move(w));
  }
  for (const auto& w : member(doc, "peaks")) {
    p.peaks.push_back({time_at(w, "start"), time_at(w, "end"), str(w, "label"), str(w, "label_en"), "",
                       false});
  }
  std::stable_sort(p.peaks.begin(), p.peaks.end(),
                   [](const auto& a, const auto& b) { return a.start < b.start; });

  const json& retention = member(doc, "retention");
  p.retention.biometric_days = integer(retention, "biometric_days", 30);
  p.retention.document_days = integer(retention, "document_days", 180);
  for (const auto& r : member(doc, "photo_requirements")) {
    p.photo_requirements.push_back({str(r, "text"), str(r, "text_en")});
  }
  return p;
}

}  // namespace shiming::rules
