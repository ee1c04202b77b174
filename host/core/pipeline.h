#pragma once
// Runs a province's verifier pipeline for one case and turns the findings into
// the next case status according to the review policy.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "shiming/sdk/verifier.h"

namespace shiming {

struct PipelineStepSpec {
  std::string verifier;
  nlohmann::json params = nlohmann::json::object();
};

struct AdviceOverride {
  std::string message, message_zh, advice, advice_zh;  // empty = keep the verifier's text
};

struct PipelineResult {
  std::vector<sdk::Finding> findings;
  // "verified", "pending_review", "rejected", or "" when a step asked to retry later.
  std::string next_status;
  std::chrono::seconds retry_after{0};
  std::vector<std::string> reason_codes;  // fail/needs_review reasons, in order
};

struct PipelineInputs {
  const sdk::CaseView* subject = nullptr;
  const std::vector<PipelineStepSpec>* steps = nullptr;
  std::string review_policy;  // manual | auto_when_all_pass
  std::function<sdk::Verifier*(const std::string&)> verifier;
  sdk::EvidenceStore* evidence = nullptr;
  sdk::Clock* clock = nullptr;
  sdk::Logger* logger = nullptr;
  const std::map<std::string, AdviceOverride>* advice = nullptr;
};

// Runs every step in order. A step whose evidence is missing records a
// `needs_review` finding (EVIDENCE_MISSING) without calling the verifier; a
// `retry` outcome stops the run (nothing is decided; run again later).
PipelineResult run_pipeline(const PipelineInputs& in);

// The decision policy alone (exposed for tests).
std::string decide(const std::vector<sdk::Finding>& findings, const std::string& review_policy);

}  // namespace shiming
