// The VerificationContext for verifiers run at the counter (face_quality, face_match): the
// case's evidence from the host's store; when no portrait was derived from the card yet, the
// ID card front scan stands in for it (the portrait is on that scan).
#pragma once

#include <shiming/sdk/plugin.h>

namespace shiming::window {

class CounterContext : public sdk::VerificationContext {
 public:
  CounterContext(sdk::Host& host, sdk::CaseView subject) : host_(host), subject_(std::move(subject)) {}
  const sdk::CaseView& subject() const override { return subject_; }
  const nlohmann::json& params() const override { return params_; }
  std::optional<sdk::Evidence> evidence(std::string_view kind) override {
    auto e = host_.evidence().get(subject_.id, kind);
    if (!e && kind == sdk::evidence_kind::kIdPortrait) e = host_.evidence().get(subject_.id, sdk::evidence_kind::kIdFront);
    return e;
  }
  void put_derived(const sdk::Evidence& e) override { (void)host_.evidence().put(subject_.id, e); }
  const std::vector<sdk::Finding>& earlier() const override { return earlier_; }
  sdk::Clock& clock() override { return host_.clock(); }
  sdk::Logger& logger() override { return host_.logger(); }
  void add(const sdk::Finding& f) { earlier_.push_back(f); }

 private:
  sdk::Host& host_;
  sdk::CaseView subject_;
  nlohmann::json params_ = nlohmann::json::object();
  std::vector<sdk::Finding> earlier_;
};

}  // namespace shiming::window
