#include "core/case_state.h"

#include <array>

namespace shiming {
namespace {

struct Edge {
  std::string_view from;
  std::string_view to;
  std::array<std::string_view, 5> roles;  // who may take this edge ("" = unused slot)
};

// "system" is the worker pool and scheduled jobs acting on the rules.
constexpr Edge kEdges[] = {
    {"collecting", "submitted", {"citizen", "clerk", "bank", "enterprise_hr", "system"}},
    {"collecting", "expired", {"system", "", "", "", ""}},
    {"submitted", "verified", {"system", "", "", "", ""}},
    {"submitted", "pending_review", {"system", "", "", "", ""}},
    {"submitted", "rejected", {"system", "", "", "", ""}},
    {"submitted", "expired", {"system", "", "", "", ""}},
    {"pending_review", "verified", {"reviewer", "admin", "clerk", "", ""}},
    {"pending_review", "rejected", {"reviewer", "admin", "clerk", "", ""}},
    {"pending_review", "expired", {"system", "", "", "", ""}},
    {"rejected", "expired", {"system", "", "", "", ""}},
};

constexpr std::string_view kStatuses[] = {"collecting", "submitted", "pending_review",
                                          "verified",   "rejected",  "expired"};

}  // namespace

bool is_known_status(std::string_view s) {
  for (auto k : kStatuses) if (k == s) return true;
  return false;
}

bool is_final_status(std::string_view s) {
  return s == "verified" || s == "rejected" || s == "expired";
}

sdk::Status check_transition(std::string_view from, std::string_view to, std::string_view role) {
  for (const auto& e : kEdges) {
    if (e.from != from || e.to != to) continue;
    for (auto r : e.roles)
      if (!r.empty() && r == role) return {};
    return sdk::Error{"FORBIDDEN_TRANSITION",
                      "Your role may not move a case from '" + std::string(from) + "' to '" +
                          std::string(to) + "'.",
                      "您的角色无权将申请从“" + std::string(status_label_zh(from)) + "”改为“" +
                          std::string(status_label_zh(to)) + "”。",
                      ""};
  }
  return sdk::Error{"ILLEGAL_TRANSITION",
                    "A case in state '" + std::string(from) + "' cannot become '" + std::string(to) + "'.",
                    "处于“" + std::string(status_label_zh(from)) + "”状态的申请不能变为“" +
                        std::string(status_label_zh(to)) + "”。",
                    ""};
}

const char* status_label_zh(std::string_view s) {
  if (s == "collecting") return "资料提交中";
  if (s == "submitted") return "核验中";
  if (s == "pending_review") return "待审核";
  if (s == "verified") return "已实名";
  if (s == "rejected") return "未通过";
  if (s == "expired") return "未认证（已过期）";
  return "未知";
}

}  // namespace shiming
