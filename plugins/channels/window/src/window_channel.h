// The `window` channel: a clerk at a provincial office counter. Offices and appointments,
// the counter flow (originals checked with scans, face capture with face_quality/face_match,
// optional fingerprint template), and signed receipts (HTML/PDF with a QR code).
// Routes (under /api/v1/channels/window): see routes() and docs/openapi.yaml.
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include <shiming/sdk/plugin.h>

#include "shiming/print/signed_token.h"
#include "window_settings.h"

namespace shiming::window {

// Receipt tokens are the shared signed-document tokens (sdk/print).
using print::base64_decode;
using print::base64_encode;
using print::base64url_encode;
using print::random_seed;
using print::receipt_keys_from_seed;
using print::ReceiptKeys;
using print::sign_receipt;
using print::verify_receipt;

inline constexpr int kDefaultSlaWorkingDays = 1;

class WindowChannel : public sdk::ChannelBase {
 public:
  explicit WindowChannel(const sdk::PluginInit& init);

  static sdk::ConfigSchema config_schema();
  static sdk::ConfigSchema rules_schema() { return window_rules_schema(); }

  // id-front, id-back (required: the ID card is always checked), scans of the other required
  // originals (diploma ...), face (optional), fingerprint (ISO/IEC 19794-2, optional or required).
  std::vector<sdk::DocumentPolicy> documents(const nlohmann::json& settings) const override;
  std::vector<std::string> opener_roles() const override { return {"clerk"}; }
  int default_sla_working_days() const override { return kDefaultSlaWorkingDays; }
  // IDENTITY_INCOMPLETE, ORIGINALS_NOT_RECORDED, MISSING_ORIGINALS, MISSING_DOCUMENT,
  // FINGERPRINT_REQUIRED, CHANNEL_SETTINGS_INVALID.
  sdk::Status check_submit(const sdk::CaseView& c, const std::vector<std::string>& evidence_present,
                           const nlohmann::json& settings) const noexcept override;
  std::vector<sdk::RouteSpec> routes() const override;

  const ReceiptKeys& receipt_keys() const { return keys_; }

 protected:
  sdk::HttpResponse serve(const std::string& route_id, const sdk::HttpRequest& request) override;

 private:
  // appointments.cc
  sdk::HttpResponse list_offices(const sdk::HttpRequest& r);
  sdk::HttpResponse book(const sdk::HttpRequest& r);
  sdk::HttpResponse list_appointments(const sdk::HttpRequest& r);
  // counter.cc
  sdk::HttpResponse lookup(const sdk::HttpRequest& r);
  sdk::HttpResponse counter_state(const sdk::HttpRequest& r);
  sdk::HttpResponse record_originals(const sdk::HttpRequest& r);
  sdk::HttpResponse capture_face(const sdk::HttpRequest& r);
  sdk::HttpResponse capture_fingerprint(const sdk::HttpRequest& r);
  // receipts.cc
  sdk::HttpResponse receipt(const sdk::HttpRequest& r);
  sdk::HttpResponse verify_receipt_route(const sdk::HttpRequest& r);
  sdk::HttpResponse public_key(const sdk::HttpRequest& r);

  // The case of the path parameter {id}, when it is a window case of the clerk's province.
  sdk::Result<sdk::CaseView> clerk_case(const sdk::HttpRequest& r);
  sdk::Result<WindowSettings> settings_of(const std::string& province) const;
  std::string lookup_hash(const std::string& province, const std::string& id_number) const;
  std::string now_text() const;

  sdk::Host& host_;
  std::string receipt_template_;
  std::string verify_url_base_;
  ReceiptKeys keys_;
  std::string lookup_key_;  // keyed hash of ID numbers for the double-booking index
  std::mutex booking_mu_;
};

// Error envelope with an explicit status.
sdk::HttpResponse fail(int status, const sdk::Error& e);
sdk::HttpResponse fail(int status, std::string code, std::string en, std::string zh, std::string field = {});
// Parses a JSON object body; error BODY_NOT_JSON.
sdk::Result<nlohmann::json> json_body(const sdk::HttpRequest& r);
// "2026-11-28T21:03:04+08:00" (Asia/Shanghai, no DST) and "2026-11-28".
std::string china_time(std::chrono::system_clock::time_point t);
std::string china_date(std::chrono::system_clock::time_point t);

}  // namespace shiming::window
