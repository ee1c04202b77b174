// The enterprise channel's qualification register (集体认证资格名录) and HR bindings, shared by
// the plugin and `shimingctl enterprise ...`. Both live in the host's encrypted record store:
//   enterprise.qualification  key "<province>/<enterprise>", index <province>
//     {province, enterprise_id, name, credit_code, valid_from, valid_until, updated_by, updated_at}
//   enterprise.hr             key <user id>
//     {enterprise_id, province}
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "shiming/sdk/result.h"
#include "shiming/sdk/services.h"

#include "employee_links.h"

namespace shiming::enterprise {

inline constexpr const char* kQualifications = "enterprise.qualification";
inline constexpr const char* kHrBindings = "enterprise.hr";

inline std::string qualification_key(const std::string& province, const std::string& enterprise) {
  return province + "/" + enterprise;
}

// 18 characters of GB 32100-2015 (digits and upper-case letters without I, O, S, V, Z) whose last
// one is the check character.
bool valid_credit_code(const std::string& code);
bool valid_date(const std::string& yyyy_mm_dd);

// A register entry from {name, credit_code, valid_from, valid_until}; error QUALIFICATION_INVALID
// (field names the bad key).
sdk::Result<nlohmann::json> make_qualification(const std::string& province, const std::string& enterprise,
                                               const nlohmann::json& body);

// Binds an enterprise_hr user to an enterprise registered in the province (error
// QUALIFICATION_MISSING when the enterprise is not in the register).
sdk::Status bind_hr(sdk::RecordStore& records, const std::string& user_id, const std::string& province,
                    const std::string& enterprise);

// shimingctl enterprise add --province P --id E --name N --credit-code C --valid-from D --valid-until D
//            enterprise list --province P [--json]
//            enterprise reissue-link --province P --batch B --row N [--json]
// `reissue` replaces a case's citizen token (reissue-link; absent: the command is refused).
// Returns the exit code.
int run_enterprise_ctl(const std::string& verb, const std::vector<std::string>& args, sdk::RecordStore& records,
                       const std::string& today, std::ostream& out, std::ostream& err,
                       const ReissueToken& reissue = {});

}  // namespace shiming::enterprise
