#pragma once
#include <exception>
#include <boost/config.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "shiming/sdk/config_schema.h"
#include "shiming/sdk/evidence.h"
#include "shiming/sdk/finding.h"
#include "shiming/sdk/plugin_object.h"
#include "shiming/sdk/services.h"

namespace shiming::sdk {

// What a verifier sees while checking one case.
class VerificationContext {
 public:
  virtual ~VerificationContext() = default;
  virtual const CaseView& subject() const = 0;
  // This step's parameters from the province's pipeline, validated against the
  // verifier's rules schema, defaults filled in.
  virtual const nlohmann::json& params() const = 0;
  virtual std::optional<Evidence> evidence(std::string_view kind) = 0;
  // Store derived evidence (e.g. the portrait cropped from the card) for later steps.
  virtual void put_derived(const Evidence& evidence) = 0;
  // Findings of the steps that already ran for this case, in order.
  virtual const std::vector<Finding>& earlier() const = 0;
  virtual Clock& clock() = 0;
  virtual Logger& logger() = 0;
};

class BOOST_SYMBOL_VISIBLE Verifier : public PluginObject {
 public:
  Verifier* as_verifier() override { return this; }
  // Evidence kinds the step needs; when one is missing the host records a
  // fail with reason EVIDENCE_MISSING without calling verify().
  virtual std::vector<std::string> evidence_needed() const = 0;
  virtual Finding verify(VerificationContext& context) noexcept = 0;
};

// Derive from this: verify() runs in the plugin's own code and turns any
// exception into an `error` finding, so none crosses the boundary.
class VerifierBase : public Verifier {
 public:
  Finding verify(VerificationContext& context) noexcept final {
    try {
      return run(context);
    } catch (const std::exception& e) {
      return Finding::with(Outcome::error,
                           {"VERIFIER_FAILED", std::string("internal error: ") + e.what(),
                            "核验程序内部错误", "Staff will review your case.",
                            "工作人员将人工审核您的申请。"});
    } catch (...) {
      return Finding::with(Outcome::error, {"VERIFIER_FAILED", "internal error",
                                            "核验程序内部错误", "Staff will review your case.",
                                            "工作人员将人工审核您的申请。"});
    }
  }

 protected:
  virtual Finding run(VerificationContext& context) = 0;
};

}  // namespace shiming::sdk
