// Skeleton verifier: checks that the candidate declared a mainland China
// mobile number (11 digits, 1[3-9]...), so SMS notices can reach them.
#include <algorithm>
#include <string>

#include <shiming/sdk/plugin.h>

namespace {

using namespace shiming::sdk;

class PhoneNumberVerifier : public VerifierBase {
 public:
  explicit PhoneNumberVerifier(const PluginInit& init) : host_(init.host) {}

  // This plugin's own section in host.yaml.
  static ConfigSchema config_schema() { return {}; }
  // Parameters of a pipeline step in a province's rules.
  static ConfigSchema rules_schema() {
    ConfigSchema s;
    s.fields.push_back({.name = "allow_landline", .type = FieldType::boolean,
                        .default_value = false,
                        .doc = "Accept fixed-line numbers (area code + 7-8 digits)."});
    return s;
  }

  std::vector<std::string> evidence_needed() const override { return {}; }

 protected:
  Finding run(VerificationContext& ctx) override {
    const std::string& phone = ctx.subject().identity.phone;
    bool all_digits = !phone.empty() && std::all_of(phone.begin(), phone.end(),
                                                    [](char c) { return c >= '0' && c <= '9'; });
    bool mobile = all_digits && phone.size() == 11 && phone[0] == '1' && phone[1] >= '3';
    bool landline = all_digits && phone[0] == '0' && phone.size() >= 10 && phone.size() <= 12;
    if (mobile || (landline && ctx.params().value("allow_landline", false))) {
      Finding f = Finding::passed();
      f.details["masked"] = mask_phone(phone);
      return f;
    }
    ctx.logger().info("phone number rejected: " + mask_phone(phone));
    return Finding::with(Outcome::fail,
                         {"PHONE_INVALID", "The phone number is not a valid mobile number.",
                          "手机号码格式不正确。", "Enter the 11-digit mobile number you use.",
                          "请填写本人正在使用的 11 位手机号码。"});
  }

 private:
  Host& host_;
};

}  // namespace

#ifndef SKELETON_NO_EXPORT
SHIMING_PLUGIN("verifier", "phone_number", "1.0.0",
               "Checks that the declared phone number is a mainland mobile number",
               PhoneNumberVerifier)
#else
// Unit tests construct the class directly.
std::unique_ptr<shiming::sdk::Verifier> make_phone_number_verifier(const shiming::sdk::PluginInit& init) {
  return std::make_unique<PhoneNumberVerifier>(init);
}
#endif
