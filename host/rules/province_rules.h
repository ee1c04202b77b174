#pragma once
// The typed, validated rules of one province (one tenant). Built by
// load_rules(); immutable once inside a RulesSnapshot.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/dates.h"
#include "rules/calendar.h"

namespace shiming::rules {

struct PipelineStep {
  std::string verifier;                              // a loaded verifier plugin's name
  nlohmann::json params = nlohmann::json::object();  // validated against its rules schema
};

struct ChannelRules {
  std::string name;  // online | window | bank | enterprise | overseas | <other channel plugin>
  bool enabled = false;
  std::string review_policy = "manual";  // manual | auto_when_all_pass
  // 0 when the province does not set it: use the channel plugin's default.
  int sla_working_days = 0;
  int max_attempts = 3;
  std::vector<PipelineStep> pipeline;
  // Validated against the channel plugin's rules schema when enabled; the
  // raw document (not validated) when disabled.
  nlohmann::json settings = nlohmann::json::object();
};

struct IdentityRules {
  int min_age = 0;
  int max_age = 150;
};

struct ExamSession {
  std::string id;  // e.g. 2026-05
  std::string name, name_en;
  TimePoint registration_open;
  TimePoint registration_close;
  TimePoint verification_deadline;
  Date exam_date;
  std::optional<Date> score_release;
  int certificate_claim_days = 30;
  // Remediation (补实名): new attempts after a rejection or a missed deadline, beyond the first;
  // days after verification_deadline during which they may still be started (0: none).
  int remediation_attempts = 10;
  int remediation_days_after_deadline = 0;
  // The end of the remediation window (== verification_deadline when there is none).
  TimePoint remediation_deadline() const {
    return verification_deadline + std::chrono::days(remediation_days_after_deadline);
  }
};

struct AdviceText {  // empty = keep the verifier's own text
  std::string message, message_zh, advice, advice_zh;
};

struct FaqEntry {
  std::string topic;  // face_check | overseas | materials | registration | other
  std::string question, question_en, answer, answer_en;
};

struct HelpInfo {
  std::string hotline;
  std::string hotline_hours, hotline_hours_en;
  std::string consultation_url;
  std::vector<FaqEntry> faq;
};

// A period of expected heavy load (the help page warns citizens; the host may
// scale workers). Derived ones: the first day and the last two days of each
// session's registration; extra ones come from the rules.
struct PeakWindow {
  TimePoint start, end;  // [start, end)
  std::string label, label_en;
  std::string session_id;  // derived windows: the session; extras: ""
  bool derived = false;
};

struct RetentionRules {
  int biometric_days = 30;   // face images and liveness captures, after the decision
  int document_days = 180;   // ID and supporting document images, after the decision
};

struct PhotoRequirement {
  std::string text, text_en;
};

struct ProvinceRules {
  std::string code;         // URL slug: beijing, guangdong, sichuan ...
  std::string name;         // zh-CN
  std::string name_en;
  std::string region_code;  // GB/T 2260 two-digit prefix, e.g. "11"
  std::string timezone = "Asia/Shanghai";
  std::string file;         // the province file it was loaded from
  IdentityRules identity;
  std::map<std::string, ChannelRules> channels;  // every channel named in the rules
  Calendar calendar;
  std::vector<ExamSession> sessions;              // ordered by registration_open
  std::vector<int> deadline_warning_days;          // descending, e.g. {7, 3, 1}
  std::map<std::string, AdviceText> advice;       // reason code -> override
  HelpInfo help;
  std::vector<PeakWindow> peaks;                  // derived + extra, ordered by start
  RetentionRules retention;
  std::vector<PhotoRequirement> photo_requirements;

  // The channel if present AND enabled, else nullptr.
  const ChannelRules* enabled_channel(const std::string& name) const;
  const ExamSession* session(const std::string& id) const;
  // The session whose registration is open at `t`, else the next one to open, else nullptr.
  const ExamSession* current_session(TimePoint t) const;
  bool in_peak(TimePoint t) const;
};

}  // namespace shiming::rules
