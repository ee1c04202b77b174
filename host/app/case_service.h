#pragma once
// Cases as the API and the plugins use them: opening (with duplicate and
// attempt checks), documents (checked against the channel's policy, stored
// encrypted), submission (SLA due date, job enqueued), state transitions
// (state machine + audit record), and the review decision.
#include <mutex>
#include <string>
#include <vector>

#include "shiming/sdk/channel.h"
#include "shiming/sdk/services.h"
#include "storage/records.h"

namespace shiming {

class Hub;
namespace rules { struct ProvinceRules; struct ChannelRules; }
namespace storage { class Database; class CaseRepo; class AuditLog; }

class EvidenceAdapter : public sdk::EvidenceStore {
 public:
  explicit EvidenceAdapter(Hub& hub) : hub_(hub) {}
  std::optional<sdk::Evidence> get(const std::string& case_id, std::string_view kind) override;
  sdk::Status put(const std::string& case_id, const sdk::Evidence& evidence) override;
  std::vector<std::string> kinds(const std::string& case_id) override;

 private:
  Hub& hub_;
};

class CaseService : public sdk::Cases {
 public:
  explicit CaseService(Hub& hub) : hub_(hub), evidence_(hub) {}

  sdk::Result<sdk::CaseView> get(const std::string& case_id) override;
  sdk::Result<sdk::OpenedCase> open(const sdk::OpenCaseRequest& request, const sdk::Actor& actor) override;
  sdk::Status attach(const std::string& case_id, sdk::Evidence evidence, const sdk::Actor& actor) override;
  sdk::Status submit(const std::string& case_id, const sdk::Actor& actor) override;
  sdk::Status transition(const std::string& case_id, const std::string& to, const sdk::Actor& actor,
                         const std::string& reason) override;
  sdk::Result<std::string> find_by_id_number(const std::string& province,
                                             const std::string& id_number) override;

  // SDK 1.3: a chunk of cases in one transaction, with open()'s checks (open() is a chunk of one).
  std::vector<sdk::Result<sdk::OpenedCase>> open_many(const std::vector<sdk::OpenCaseRequest>& requests,
                                                      const sdk::Actor& actor) override;
  // SDK 1.3: the findings of the case's latest pipeline run.
  sdk::Result<std::vector<sdk::FindingSummary>> findings(const std::string& case_id) override;

  // A reviewer's decision: approve -> verified, reject -> rejected with codes
  // (state change, audit record, decision record). SDK 1.3 offers it to plugins.
  sdk::Status decide(const std::string& case_id, bool approve, const std::vector<std::string>& reasons,
                     const std::string& comment, const sdk::Actor& actor) override;

  // SDK 1.4: the newest case of many ID numbers (two queries per 500).
  sdk::Result<std::unordered_map<std::string, std::string>> find_by_id_numbers(
      const std::string& province, const std::vector<std::string>& id_numbers) override;
  // SDK 1.4: a new citizen token, the old one refused from now on; the token change and its
  // audit record (citizen_token_reissued) in one transaction.
  sdk::Result<std::string> reissue_citizen_token(const std::string& case_id, const sdk::Actor& actor,
                                                 const std::string& reason) override;

  sdk::EvidenceStore& evidence_store() { return evidence_; }

  // The document policy of a kind on the case's channel, or an error
  // (UNKNOWN_DOCUMENT_KIND, CHANNEL_DISABLED).
  sdk::Result<sdk::DocumentPolicy> document_policy(const storage::CaseRecord& c, const std::string& kind);

  // Records an audit entry for a case event that is not a state change.
  void audit_event(const storage::CaseRecord& c, const sdk::Actor& actor, const std::string& action,
                   const std::string& reason);

 private:
  sdk::Status transition_record(storage::CaseRecord& c, const std::string& to, const sdk::Actor& actor,
                                const std::string& reason);
  // One hash-chained audit record; a failure to append is logged, never silent.
  void append_audit(const storage::CaseRecord& c, const sdk::Actor& actor, const std::string& action,
                    const std::string& to, const std::string& reason);
  Hub& hub_;
  EvidenceAdapter evidence_;
  std::mutex open_mu_;  // one open at a time per process: duplicate checks are not racy here
};

sdk::CaseView to_view(const storage::CaseRecord& c, const std::string& exam_date);

// The case's new citizen token and its audit record (citizen_token_reissued, with the reason) in
// one transaction; the old token finds nothing from then on. Cases::reissue_citizen_token and
// `shimingctl enterprise reissue-link`. Errors: CASE_NOT_FOUND, DATABASE_ERROR.
sdk::Result<std::string> reissue_citizen_token(storage::Database& db, storage::CaseRepo& cases,
                                               storage::AuditLog& audit, const std::string& case_id,
                                               const sdk::Actor& actor, const std::string& reason, TimePoint now);

// Document (evidence) kinds of the shipped channels, named for people in both languages. The one
// list: the host's messages use it and the pages read it from GET /api/v1/document-kinds. A kind
// not listed (a third-party channel's) is named by its code.
struct DocumentKind {
  const char* kind;
  const char* en;
  const char* zh;
};
const std::vector<DocumentKind>& document_kinds();

}  // namespace shiming
