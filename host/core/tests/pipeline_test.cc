#include "core/pipeline.h"

#include <gtest/gtest.h>

#include "shiming/sdk/testing/fakes.h"

namespace shiming {
namespace {

using sdk::Outcome;

// A verifier with a fixed outcome; records what it saw.
class ScriptedVerifier : public sdk::VerifierBase {
 public:
  ScriptedVerifier(Outcome o, std::vector<std::string> needs = {}) : outcome_(o), needs_(std::move(needs)) {}
  std::vector<std::string> evidence_needed() const override { return needs_; }
  int calls = 0;
  size_t earlier_seen = 0;
  nlohmann::json params_seen;

 protected:
  sdk::Finding run(sdk::VerificationContext& ctx) override {
    ++calls;
    earlier_seen = ctx.earlier().size();
    params_seen = ctx.params();
    if (outcome_ == Outcome::error) throw std::runtime_error("boom");
    sdk::Finding f;
    f.outcome = outcome_;
    if (outcome_ != Outcome::pass) f.reasons.push_back({"CODE_" + std::string(sdk::to_string(outcome_)), "m", "m", "a", "a"});
    if (outcome_ == Outcome::retry) f.retry_after = std::chrono::seconds(7);
    return f;
  }

 private:
  Outcome outcome_;
  std::vector<std::string> needs_;
};

struct Fixture : ::testing::Test {
  sdk::testing::FakeEvidenceStore evidence;
  sdk::testing::FakeClock clock;
  sdk::testing::CapturingLogger logger;
  sdk::CaseView subject;
  std::map<std::string, sdk::Verifier*> verifiers;
  std::vector<PipelineStepSpec> steps;
  std::map<std::string, AdviceOverride> advice;

  PipelineResult run(const std::string& policy) {
    subject.id = "c1";
    PipelineInputs in;
    in.subject = &subject;
    in.steps = &steps;
    in.review_policy = policy;
    in.verifier = [this](const std::string& n) -> sdk::Verifier* {
      auto it = verifiers.find(n);
      return it == verifiers.end() ? nullptr : it->second;
    };
    in.evidence = &evidence;
    in.clock = &clock;
    in.logger = &logger;
    in.advice = &advice;
    return run_pipeline(in);
  }
};

TEST_F(Fixture, AllPassVerifiesOnlyUnderAutoPolicy) {
  ScriptedVerifier a(Outcome::pass), b(Outcome::pass);
  verifiers = {{"a", &a}, {"b", &b}};
  steps = {{"a", {{"x", 1}}}, {"b", {}}};
  EXPECT_EQ(run("auto_when_all_pass").next_status, "verified");
  EXPECT_EQ(run("manual").next_status, "pending_review");
  EXPECT_EQ(a.params_seen["x"], 1);
  EXPECT_EQ(b.earlier_seen, 1u);
}

TEST_F(Fixture, FailRejectsAndReviewWaitsForAPerson) {
  ScriptedVerifier ok(Outcome::pass), bad(Outcome::fail), unsure(Outcome::needs_review);
  verifiers = {{"ok", &ok}, {"bad", &bad}, {"unsure", &unsure}};
  steps = {{"ok", {}}, {"unsure", {}}};
  EXPECT_EQ(run("auto_when_all_pass").next_status, "pending_review");
  steps = {{"unsure", {}}, {"bad", {}}};
  auto r = run("auto_when_all_pass");
  EXPECT_EQ(r.next_status, "rejected");
  EXPECT_EQ(r.reason_codes, (std::vector<std::string>{"CODE_needs_review", "CODE_fail"}));
}

TEST_F(Fixture, RetryStopsTheRunWithoutADecision) {
  ScriptedVerifier down(Outcome::retry), later(Outcome::pass);
  verifiers = {{"down", &down}, {"later", &later}};
  steps = {{"down", {}}, {"later", {}}};
  auto r = run("auto_when_all_pass");
  EXPECT_EQ(r.next_status, "");
  EXPECT_EQ(r.retry_after, std::chrono::seconds(7));
  EXPECT_EQ(later.calls, 0);
}

TEST_F(Fixture, ExceptionsAndUnknownVerifiersGoToReview) {
  ScriptedVerifier thrower(Outcome::error);
  verifiers = {{"thrower", &thrower}};
  steps = {{"thrower", {}}, {"ghost", {}}};
  auto r = run("auto_when_all_pass");
  EXPECT_EQ(r.next_status, "pending_review");
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].reasons.at(0).code, "VERIFIER_FAILED");
  EXPECT_EQ(r.findings[1].reasons.at(0).code, "VERIFIER_UNAVAILABLE");
}

TEST_F(Fixture, MissingEvidenceSkipsTheVerifier) {
  ScriptedVerifier needs_face(Outcome::pass, {"face"});
  verifiers = {{"f", &needs_face}};
  steps = {{"f", {}}};
  auto r = run("auto_when_all_pass");
  EXPECT_EQ(needs_face.calls, 0);
  EXPECT_EQ(r.findings.at(0).reasons.at(0).code, "EVIDENCE_MISSING");
  (void)evidence.put("c1", sdk::Evidence{"face", "image/jpeg", {1, 2}, {}});
  EXPECT_EQ(run("auto_when_all_pass").next_status, "verified");
  EXPECT_EQ(needs_face.calls, 1);
}

TEST_F(Fixture, ProvinceAdviceOverridesTheVerifierText) {
  ScriptedVerifier bad(Outcome::fail);
  verifiers = {{"bad", &bad}};
  steps = {{"bad", {}}};
  advice["CODE_fail"] = {"", "", "", "请携带身份证原件到省考试院窗口办理。"};
  auto r = run("manual");
  EXPECT_EQ(r.findings.at(0).reasons.at(0).advice_zh, "请携带身份证原件到省考试院窗口办理。");
  EXPECT_EQ(r.findings.at(0).reasons.at(0).advice, "a");
}

}  // namespace
}  // namespace shiming
