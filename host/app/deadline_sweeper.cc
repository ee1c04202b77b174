#include "app/deadline_sweeper.h"

#include "app/case_service.h"
#include "app/hub.h"
#include "common/log.h"
#include "core/case_state.h"

namespace shiming {

std::size_t DeadlineSweeper::sweep(TimePoint now) {
  Hub& hub = hub_;
  static constexpr const char* kOpenStates[] = {case_status::kCollecting, case_status::kSubmitted,
                                                case_status::kPendingReview, case_status::kRejected};
  constexpr int kBatch = 500;
  std::size_t moved = 0;
  auto snap = hub.rules().current();
  for (const auto& [code, province] : snap->provinces()) {
    for (const auto& session : province.sessions) {
      if (session.verification_deadline > now) continue;
      std::string key = code + "/" + session.id;
      if (done_.count(key)) continue;
      std::size_t before = moved;
      bool waiting = false;  // remediation attempts whose own window is still open
      sdk::Actor system{"system", "deadline", code, "deadline"};
      for (const char* status : kOpenStates) {
        int offset = 0;
        while (true) {
          auto batch = hub.case_repo.list_by_status(code, status, kBatch, offset);
          if (batch.empty()) break;
          int kept = 0;
          for (const auto& c : batch) {
            if (c.exam_session != session.id) {
              ++kept;
              continue;
            }
            // A remediation attempt (补实名) opened after the deadline expires with the end of
            // the remediation window instead.
            if (c.created_at >= session.verification_deadline && now < session.remediation_deadline()) {
              ++kept;
              waiting = true;
              continue;
            }
            // Another host may have moved it first: then the CAS fails and we skip it.
            bool remediation = c.created_at >= session.verification_deadline;
            auto s = hub.case_service().transition(
                c.id, case_status::kExpired, system,
                remediation ? "remediation window " + format_time(session.remediation_deadline()) + " passed"
                            : "verification deadline " + format_time(session.verification_deadline) + " passed");
            if (s.ok()) ++moved;
            else ++kept;
          }
          if (static_cast<int>(batch.size()) < kBatch) break;
          offset += kept;
        }
      }
      if (moved == before && !waiting) done_.insert(key);
    }
  }
  if (moved > 0) log_event(spdlog::level::info, "deadline sweep expired cases", {{"count", moved}});
  return moved;
}

}  // namespace shiming
