// The `enterprise` channel: collective verification by an employer holding the province's
// collective-registration qualification. The province's admins keep the qualification register
// (through this channel's routes or `shimingctl enterprise ...`); HR accounts (role
// `enterprise_hr`, bound to one enterprise with `shimingctl user add ... --enterprise E`) upload
// the roster as CSV (UTF-8 or GBK) in a background job with a progress endpoint; each clean row
// becomes a case whose citizen token is the employee's personal link for the host's own face and
// liveness upload flow; HR submits the batch (complete rows only, or all or nothing, as the rules
// say); the province's reviewers see batch views and accept every clean case in one call.
//
// Routes under /api/v1/channels/enterprise (see docs/openapi.yaml):
//   GET  /provinces/{province}/enterprises          qualification register (admin, reviewer)
//   PUT  /provinces/{province}/enterprises/{enterprise}  register or renew (admin)
//   GET  /me                                        HR's enterprise and qualification (enterprise_hr)
//   POST /batches                                   roster CSV -> 202 + batch id (enterprise_hr)
//   GET  /batches                                   HR: own enterprise; reviewer/admin: province
//   GET  /batches/{id}                              state and import progress
//   GET  /batches/{id}/report                       per-row report, JSON or ?format=csv
//   PUT  /batches/{id}/scans                        ZIP of ID scans matched to rows (enterprise_hr)
//   GET  /batches/{id}/employees                    per-employee progress, ?links=true (enterprise_hr)
//   POST /batches/{id}/employees/{row}/link         a new personal link for one employee (enterprise_hr)
//   POST /batches/{id}/submit                       submit the batch (enterprise_hr)
//   GET  /batches/{id}/rows                         rows with flags and case status (reviewer, admin)
//   POST /batches/{id}/accept-clean                 approve every clean pending case (reviewer, admin)
//   POST /provinces/{province}/hr-bindings          bind an HR account to an enterprise (admin)
//   DELETE /provinces/{province}/hr-bindings/{user} unbind it (admin)
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <shiming/sdk/plugin.h>

#include "employee_links.h"
#include "qualification.h"

namespace shiming::enterprise {

inline constexpr int kDefaultSlaWorkingDays = 10;
inline constexpr const char* kReports = "enterprise.report";
inline constexpr const char* kUploads = "enterprise.upload";   // accepted roster files until imported
inline constexpr const char* kRefusals = "enterprise.refused";  // rows the hub refused, while importing
inline constexpr std::size_t kUploadPart = 1u << 20;

struct EnterpriseSettings {
  std::string submission = "complete_only";  // or all_or_nothing
  bool face_required = true;
  bool liveness_required = false;
  bool id_scan_required = false;
  std::size_t max_rows = 50000;
  std::size_t max_upload_bytes = 8u << 20;
  std::size_t max_pixels = 40'000'000;
  std::size_t max_video_bytes = 8u << 20;
};

sdk::ConfigSchema enterprise_rules_schema();
sdk::Result<EnterpriseSettings> parse_enterprise_settings(const nlohmann::json& j);

class EnterpriseChannel : public sdk::ChannelBase {
 public:
  explicit EnterpriseChannel(const sdk::PluginInit& init);
  ~EnterpriseChannel() override;  // stops the import in progress; it and queued ones resume on restart

  static sdk::ConfigSchema config_schema() { return {}; }
  static sdk::ConfigSchema rules_schema() { return enterprise_rules_schema(); }

  std::vector<sdk::DocumentPolicy> documents(const nlohmann::json& settings) const override;
  std::vector<std::string> opener_roles() const override { return {"enterprise_hr"}; }
  int default_sla_working_days() const override { return kDefaultSlaWorkingDays; }
  sdk::Status check_submit(const sdk::CaseView& c, const std::vector<std::string>& evidence_present,
                           const nlohmann::json& settings) const noexcept override;
  std::vector<sdk::RouteSpec> routes() const override;

 protected:
  sdk::HttpResponse serve(const std::string& route_id, const sdk::HttpRequest& request) override;

 private:
  struct Job {
    std::string batch_id;
    std::string body;
    sdk::Actor actor;
  };
  struct Hr {
    std::string enterprise;
    std::string province;
    nlohmann::json qualification;
  };

  sdk::Result<Hr> hr_of(const sdk::Actor& actor, bool require_valid);
  // The batch when the caller may see it (HR of its enterprise, staff of its province).
  sdk::Result<nlohmann::json> visible_batch(const sdk::HttpRequest& r);
  std::vector<nlohmann::json> load_rows(const std::string& batch_id);
  sdk::Status save_rows(const std::string& batch_id, const std::vector<nlohmann::json>& rows);
  nlohmann::json employee_json(const nlohmann::json& row, const EnterpriseSettings& s, bool links);
  std::string today() const;
  // The accepted roster file, kept encrypted in the record store until its import ends.
  sdk::Status store_upload(const std::string& batch_id, const std::string& body);
  std::optional<std::string> load_upload(const std::string& batch_id);
  void drop_upload(const std::string& batch_id);  // and the import's refusals, once it ended

  sdk::HttpResponse list_enterprises(const sdk::HttpRequest& r);
  sdk::HttpResponse put_enterprise(const sdk::HttpRequest& r);
  sdk::HttpResponse me(const sdk::HttpRequest& r);
  sdk::HttpResponse upload(const sdk::HttpRequest& r);
  sdk::HttpResponse list_batches(const sdk::HttpRequest& r);
  sdk::HttpResponse get_batch(const sdk::HttpRequest& r);
  sdk::HttpResponse report(const sdk::HttpRequest& r);
  sdk::HttpResponse scans(const sdk::HttpRequest& r);
  sdk::HttpResponse employees(const sdk::HttpRequest& r);
  sdk::HttpResponse reissue_link(const sdk::HttpRequest& r);
  sdk::HttpResponse submit(const sdk::HttpRequest& r);
  sdk::HttpResponse rows(const sdk::HttpRequest& r);
  sdk::HttpResponse accept_clean(const sdk::HttpRequest& r);
  sdk::HttpResponse bind_hr_route(const sdk::HttpRequest& r);
  sdk::HttpResponse unbind_hr_route(const sdk::HttpRequest& r);

  void run_import(Job& job);
  void loop();

  sdk::Host& host_;
  std::mutex batch_mu_;  // read-modify-write of batch and row records
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Job> queue_;
  std::size_t queued_bytes_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread worker_;
};

}  // namespace shiming::enterprise
