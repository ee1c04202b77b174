// The `overseas` channel: candidates abroad. Documents: `passport` (the data page, required),
// `embassy-certificate` (required where the province says), `video-recording` (required when the
// province uses recorded video verification). A domestic contact (name, relationship, phone) is
// required before submitting. Where the province enables it, the candidate books a video
// verification slot (slots from the rules, shown in the candidate's UTC offset) and a reviewer
// records the session link, the outcome and the recording reference; or the candidate records a
// video speaking a challenge code the channel issued, which the reviewer checks.
//
// Routes under /api/v1/channels/overseas (see docs/openapi.yaml):
//   POST /cases                              open a case with the passport identity (anyone)
//   GET  /provinces/{province}/video-slots   free slots, ?utc_offset=+01:00 (anyone)
//   PUT  /cases/{id}/contact                 domestic contact (citizen of the case)
//   GET  /cases/{id}/overseas                contact, booking, video state (citizen, staff)
//   POST /cases/{id}/video-booking           book a slot {"slot","utc_offset"} (citizen)
//   DELETE /cases/{id}/video-booking         cancel before the slot starts (citizen)
//   POST /cases/{id}/video-challenge         issue the spoken challenge code (citizen)
//   POST /cases/{id}/video-session           {"link"} the external session link (reviewer, admin)
//   POST /cases/{id}/video-outcome           {"outcome","note","recording_ref","challenge_ok"} (reviewer, admin)
//
// Declared identity keys in identity.extra: passport_number, surname, given_names, nationality,
// birth (YYYY-MM-DD), utc_offset; read by the passport_mrz verifier.
#pragma once

#include <mutex>

#include <shiming/sdk/plugin.h>

#include "overseas_settings.h"

namespace shiming::overseas {

inline constexpr int kDefaultSlaWorkingDays = 5;
inline constexpr const char* kVideoRecording = "video-recording";
inline constexpr const char* kContacts = "overseas.contact";
inline constexpr const char* kBookings = "overseas.booking";
inline constexpr const char* kVideo = "overseas.video";

class OverseasChannel : public sdk::ChannelBase {
 public:
  explicit OverseasChannel(const sdk::PluginInit& init);

  static sdk::ConfigSchema config_schema() { return {}; }
  static sdk::ConfigSchema rules_schema() { return overseas_rules_schema(); }

  std::vector<sdk::DocumentPolicy> documents(const nlohmann::json& settings) const override;
  std::vector<std::string> opener_roles() const override { return {"citizen"}; }
  int default_sla_working_days() const override { return kDefaultSlaWorkingDays; }
  // IDENTITY_INCOMPLETE, MISSING_DOCUMENT, CONTACT_MISSING, VIDEO_NOT_BOOKED,
  // CHANNEL_SETTINGS_INVALID.
  sdk::Status check_submit(const sdk::CaseView& c, const std::vector<std::string>& evidence_present,
                           const nlohmann::json& settings) const noexcept override;
  std::vector<sdk::RouteSpec> routes() const override;

 protected:
  sdk::HttpResponse serve(const std::string& route_id, const sdk::HttpRequest& request) override;

 private:
  sdk::HttpResponse open_case(const sdk::HttpRequest& r);
  sdk::HttpResponse list_slots(const sdk::HttpRequest& r);
  sdk::HttpResponse put_contact(const sdk::HttpRequest& r, const sdk::CaseView& c);
  sdk::HttpResponse get_state(const sdk::HttpRequest& r, const sdk::CaseView& c);
  sdk::HttpResponse book(const sdk::HttpRequest& r, const sdk::CaseView& c);
  sdk::HttpResponse cancel(const sdk::HttpRequest& r, const sdk::CaseView& c);
  sdk::HttpResponse challenge(const sdk::HttpRequest& r, const sdk::CaseView& c);
  sdk::HttpResponse session(const sdk::HttpRequest& r, const sdk::CaseView& c);
  sdk::HttpResponse outcome(const sdk::HttpRequest& r, const sdk::CaseView& c);
  nlohmann::json free_slots(const std::string& province, const OverseasSettings& s, int offset);

  sdk::Host& host_;
  std::mutex booking_mu_;  // one booking decision at a time (capacity check + put)
};

}  // namespace shiming::overseas
