// The schema of a province document (after inheriting defaults.yaml).
// Channel settings and step params are open here: they are validated
// against the named plugin's rules schema by the loader.
#include "rules/rules_loader.h"

namespace shiming::rules {

using sdk::ConfigField;
using sdk::ConfigSchema;
using sdk::FieldType;

namespace {

ConfigField text(const char* name, bool required = false, const char* doc = "") {
  return ConfigField{.name = name, .type = FieldType::string, .required = required, .doc = doc};
}

ConfigField channel_field() {
  ConfigField step{.name = "pipeline", .type = FieldType::list,
                   .default_value = nlohmann::json::array(),
                   .doc = "Ordered verification steps."};
  step.fields = {
      {.name = "verifier", .type = FieldType::string, .required = true,
       .doc = "Name of a loaded verifier plugin."},
      {.name = "params", .type = FieldType::object,
       .doc = "Validated against the verifier's rules schema.", .open = true},
  };
  ConfigField channels{.name = "channels", .type = FieldType::map,
                       .doc = "Channel name (a channel plugin) -> its rules in this province."};
  channels.fields = {
      {.name = "enabled", .type = FieldType::boolean, .default_value = false},
      {.name = "review_policy", .type = FieldType::string, .default_value = "manual",
       .allowed = {"manual", "auto_when_all_pass"}},
      {.name = "sla_working_days", .type = FieldType::integer, .min = 1, .max = 60,
       .doc = "Working days from submission to decision; default: the channel plugin's."},
      {.name = "max_attempts", .type = FieldType::integer, .default_value = 3, .min = 1, .max = 20},
      step,
      {.name = "settings", .type = FieldType::object,
       .doc = "Validated against the channel plugin's rules schema when enabled.", .open = true},
  };
  return channels;
}

ConfigSchema build_province_schema() {
  ConfigSchema s;
  s.fields.push_back(text("code", true, "URL slug, equal to the file name: beijing, guangdong ..."));
  s.fields.push_back(text("name", true, "Name in Chinese."));
  s.fields.push_back(text("name_en", true));
  s.fields.push_back(text("region_code", true, "GB/T 2260 two-digit province prefix, e.g. \"11\"."));
  s.fields.push_back({.name = "timezone", .type = FieldType::string, .default_value = "Asia/Shanghai",
                      .allowed = {"Asia/Shanghai"}});
  ConfigField identity{.name = "identity", .type = FieldType::object};
  identity.fields = {
      {.name = "min_age", .type = FieldType::integer, .default_value = 0, .min = 0, .max = 150},
      {.name = "max_age", .type = FieldType::integer, .default_value = 150, .min = 0, .max = 150},
  };
  s.fields.push_back(identity);
  s.fields.push_back(channel_field());

  ConfigField calendar{.name = "calendar", .type = FieldType::map,
                       .doc = "Year (\"2026\") -> holidays and make-up working days."};
  calendar.fields = {
      {.name = "holidays", .type = FieldType::string_list, .default_value = nlohmann::json::array(),
       .doc = "Dates (YYYY-MM-DD) or ranges (YYYY-MM-DD..YYYY-MM-DD) off work."},
      {.name = "workdays", .type = FieldType::string_list, .default_value = nlohmann::json::array(),
       .doc = "Make-up working days (调休), usually a Saturday or Sunday."},
  };
  s.fields.push_back(calendar);

  ConfigField sessions{.name = "sessions", .type = FieldType::list,
                       .default_value = nlohmann::json::array()};
  sessions.fields = {
      text("id", true, "e.g. 2026-05"),
      text("name", true),
      text("name_en", true),
      {.name = "registration_open", .type = FieldType::datetime, .required = true},
      {.name = "registration_close", .type = FieldType::datetime, .required = true},
      {.name = "verification_deadline", .type = FieldType::datetime, .required = true},
      {.name = "exam_date", .type = FieldType::date, .required = true},
      {.name = "score_release", .type = FieldType::date},
      {.name = "certificate_claim_days", .type = FieldType::integer, .default_value = 30,
       .min = 1, .max = 365},
      {.name = "remediation_attempts", .type = FieldType::integer, .default_value = 10, .min = 0, .max = 10,
       .doc = "New attempts (补实名) a candidate may start for this session after a rejection or a "
              "missed deadline, beyond the first; 0: none. Each channel's max_attempts applies as well."},
      {.name = "remediation_days_after_deadline", .type = FieldType::integer, .default_value = 0,
       .min = 0, .max = 90,
       .doc = "Days after verification_deadline during which a candidate whose case was rejected or "
              "expired may still start a new attempt (补实名); 0: none after the deadline. A "
              "verification this late earns no admission ticket but counts for the certificate claim."},
  };
  s.fields.push_back(sessions);
  s.fields.push_back({.name = "deadline_warning_days", .type = FieldType::list,
                      .default_value = nlohmann::json::array({7, 3, 1}),
                      .doc = "Days before each session's verification_deadline at which candidates "
                             "not yet verified get a reminder (whole days, 1..90)."});

  ConfigField advice{.name = "advice", .type = FieldType::map,
                     .doc = "Reason code -> texts replacing the verifier's (empty: keep)."};
  advice.fields = {text("message"), text("message_zh"), text("advice"), text("advice_zh")};
  s.fields.push_back(advice);

  ConfigField faq{.name = "faq", .type = FieldType::list, .default_value = nlohmann::json::array()};
  faq.fields = {
      {.name = "topic", .type = FieldType::string, .required = true,
       .allowed = {"face_check", "overseas", "materials", "registration", "window", "bank",
                   "enterprise", "other"}},
      text("question", true), text("question_en", true), text("answer", true),
      text("answer_en", true),
  };
  ConfigField help{.name = "help", .type = FieldType::object};
  help.fields = {text("hotline"), text("hotline_hours"), text("hotline_hours_en"),
                 text("consultation_url"), faq};
  s.fields.push_back(help);

  ConfigField peaks{.name = "peaks", .type = FieldType::list, .default_value = nlohmann::json::array(),
                    .doc = "Extra high-load windows (the first day and the last two days of "
                           "registration are added automatically)."};
  peaks.fields = {
      {.name = "start", .type = FieldType::datetime, .required = true},
      {.name = "end", .type = FieldType::datetime, .required = true},
      text("label", true), text("label_en", true),
  };
  s.fields.push_back(peaks);

  ConfigField retention{.name = "retention", .type = FieldType::object};
  retention.fields = {
      {.name = "biometric_days", .type = FieldType::integer, .default_value = 30, .min = 1,
       .max = 3650, .doc = "Days face images and liveness captures are kept after the decision."},
      {.name = "document_days", .type = FieldType::integer, .default_value = 180, .min = 1,
       .max = 3650, .doc = "Days ID and document images are kept after the decision."},
  };
  s.fields.push_back(retention);

  ConfigField photo{.name = "photo_requirements", .type = FieldType::list,
                    .default_value = nlohmann::json::array()};
  photo.fields = {text("text", true), text("text_en", true)};
  s.fields.push_back(photo);
  return s;
}

}  // namespace

const sdk::ConfigSchema& province_schema() {
  static const ConfigSchema schema = build_province_schema();
  return schema;
}

}  // namespace shiming::rules
