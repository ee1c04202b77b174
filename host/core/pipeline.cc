#include "core/pipeline.h"

#include <algorithm>

namespace shiming {
namespace {

class StepContext : public sdk::VerificationContext {
 public:
  StepContext(const PipelineInputs& in, const nlohmann::json& params,
              const std::vector<sdk::Finding>& earlier)
      : in_(in), params_(params), earlier_(earlier) {}
  const sdk::CaseView& subject() const override { return *in_.subject; }
  const nlohmann::json& params() const override { return params_; }
  std::optional<sdk::Evidence> evidence(std::string_view kind) override {
    return in_.evidence->get(in_.subject->id, kind);
  }
  void put_derived(const sdk::Evidence& e) override { (void)in_.evidence->put(in_.subject->id, e); }
  const std::vector<sdk::Finding>& earlier() const override { return earlier_; }
  sdk::Clock& clock() override { return *in_.clock; }
  sdk::Logger& logger() override { return *in_.logger; }

 private:
  const PipelineInputs& in_;
  const nlohmann::json& params_;
  const std::vector<sdk::Finding>& earlier_;
};

void apply_overrides(sdk::Finding& f, const std::map<std::string, AdviceOverride>* advice) {
  if (!advice) return;
  for (auto& r : f.reasons) {
    auto it = advice->find(r.code);
    if (it == advice->end()) continue;
    const auto& o = it->second;
    if (!o.message.empty()) r.message = o.message;
    if (!o.message_zh.empty()) r.message_zh = o.message_zh;
    if (!o.advice.empty()) r.advice = o.advice;
    if (!o.advice_zh.empty()) r.advice_zh = o.advice_zh;
  }
}

sdk::Finding missing_evidence(const std::string& kind) {
  return sdk::Finding::with(
      sdk::Outcome::needs_review,
      {"EVIDENCE_MISSING", "The document '" + kind + "' needed for this check is missing.",
       "缺少此项核验所需的材料（" + kind + "）。",
       "Upload the missing document, or staff will contact you.",
       "请补充上传所缺材料，或等待工作人员联系。"});
}

sdk::Finding unknown_verifier(const std::string& name) {
  return sdk::Finding::with(sdk::Outcome::error,
                            {"VERIFIER_UNAVAILABLE", "The check '" + name + "' is not available.",
                             "核验项“" + name + "”不可用。", "Staff will review your case.",
                             "工作人员将人工审核您的申请。"});
}

}  // namespace

std::string decide(const std::vector<sdk::Finding>& findings, const std::string& review_policy) {
  bool any_fail = false, any_review = false;
  for (const auto& f : findings) {
    if (f.outcome == sdk::Outcome::fail) any_fail = true;
    if (f.outcome == sdk::Outcome::needs_review || f.outcome == sdk::Outcome::error) any_review = true;
  }
  if (any_fail) return "rejected";
  if (any_review || review_policy != "auto_when_all_pass") return "pending_review";
  return "verified";
}

PipelineResult run_pipeline(const PipelineInputs& in) {
  PipelineResult out;
  for (const auto& step : *in.steps) {
    sdk::Finding f;
    sdk::Verifier* v = in.verifier(step.verifier);
    if (!v) {
      f = unknown_verifier(step.verifier);
    } else {
      std::string missing;
      auto present = in.evidence->kinds(in.subject->id);
      for (const auto& kind : v->evidence_needed())
        if (std::find(present.begin(), present.end(), kind) == present.end()) { missing = kind; break; }
      if (!missing.empty()) {
        f = missing_evidence(missing);
      } else {
        StepContext ctx(in, step.params, out.findings);
        f = v->verify(ctx);
      }
    }
    f.verifier = step.verifier;
    apply_overrides(f, in.advice);
    if (f.outcome == sdk::Outcome::retry) {
      out.next_status.clear();
      out.retry_after = f.retry_after.count() > 0 ? f.retry_after : std::chrono::seconds(30);
      out.findings.push_back(std::move(f));
      return out;
    }
    if (f.outcome != sdk::Outcome::pass)
      for (const auto& r : f.reasons) out.reason_codes.push_back(r.code);
    out.findings.push_back(std::move(f));
  }
  out.next_status = decide(out.findings, in.review_policy);
  return out;
}

}  // namespace shiming
