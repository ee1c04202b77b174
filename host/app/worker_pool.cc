#include "app/worker_pool.h"

#include <unistd.h>

#include "app/case_service.h"
#include "app/deadline_sweeper.h"
#include "app/hub.h"
#include "common/dates.h"
#include "common/log.h"
#include "common/random.h"
#include "core/case_state.h"
#include "core/pipeline.h"

namespace shiming {

WorkerPool::WorkerPool(Hub& hub, int threads) : hub_(hub), threads_(std::max(0, threads)) {
  char name[256] = {0};
  gethostname(name, sizeof name - 1);
  host_id_ = std::string(name) + ":" + std::to_string(getpid()) + ":" + random_token(4);
}

WorkerPool::~WorkerPool() { stop(); }

void WorkerPool::start() {
  stopping_ = false;
  for (int i = 0; i < threads_; ++i) workers_.emplace_back([this, i] { loop(i); });
}

void WorkerPool::stop() {
  stopping_ = true;
  cv_.notify_all();
  for (auto& t : workers_)
    if (t.joinable()) t.join();
  workers_.clear();
}

void WorkerPool::notify() { cv_.notify_one(); }

void WorkerPool::loop(int index) {
  std::string worker_id = host_id_ + "/w" + std::to_string(index);
  auto lease = std::chrono::seconds(hub_.config().job_lease_seconds);
  auto next_sweep = std::chrono::steady_clock::now();
  DeadlineSweeper sweeper(hub_);
  while (!stopping_) {
    if (index == 0 && std::chrono::steady_clock::now() >= next_sweep) {
      // Deadlines are checked by one worker per host; hosts racing are harmless (CAS).
      try {
        sweeper.sweep(hub_.clock().now());
        // Finished sweeps: operators see the job is alive; tests wait for one instead of sleeping.
        hub_.metrics().counter_add("shiming_deadline_sweeps_total", {});
      } catch (const std::exception& e) {
        log_event(spdlog::level::err, "deadline sweep failed", {{"error", e.what()}});
      }
      next_sweep = std::chrono::steady_clock::now() + sweep_interval_;
    }
    std::optional<storage::Job> job;
    try {
      job = hub_.jobs.claim(worker_id, lease, hub_.clock().now());
    } catch (const std::exception& e) {
      log_event(spdlog::level::err, "job claim failed", {{"error", e.what()}});
    }
    if (!job) {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stopping_.load(); });
      continue;
    }
    run_job(*job, worker_id);
  }
}

void WorkerPool::run_job(const storage::Job& job, const std::string& worker_id) {
  auto started = std::chrono::steady_clock::now();
  auto finish = [&](const std::string& outcome) {
    hub_.metrics().counter_add("shiming_jobs_total", {{"outcome", outcome}});
    log_event(spdlog::level::info, "job finished",
              {{"job", job.id}, {"case", job.case_id}, {"outcome", outcome},
               {"ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - started).count()}});
  };
  auto c = hub_.case_repo.get(job.case_id);
  if (!c || c->status != case_status::kSubmitted) {
    (void)hub_.jobs.complete(job.id, worker_id, hub_.clock().now());
    finish("skipped");
    return;
  }
  auto snap = hub_.rules().current();  // this job runs on one snapshot to its end
  const auto* province = snap->province(c->province);
  const auto* channel = province ? province->enabled_channel(c->channel) : nullptr;
  if (!channel) {
    // The province switched the channel off after submission: a person decides.
    sdk::Actor system{"system", "worker", c->province, "worker"};
    (void)hub_.case_service().transition(c->id, case_status::kPendingReview, system,
                                         "channel disabled after submission");
    (void)hub_.jobs.complete(job.id, worker_id, hub_.clock().now());
    finish("review");
    return;
  }
  std::vector<PipelineStepSpec> steps;
  for (const auto& s : channel->pipeline) steps.push_back({s.verifier, s.params});
  std::map<std::string, AdviceOverride> advice;
  for (const auto& [code, a] : province->advice) advice[code] = {a.message, a.message_zh, a.advice, a.advice_zh};

  const auto* session = province->session(c->exam_session);
  sdk::CaseView view = to_view(*c, session ? format_date(session->exam_date) : "");
  PluginLogger logger("pipeline");
  PipelineInputs in;
  in.subject = &view;
  in.steps = &steps;
  in.review_policy = channel->review_policy;
  in.verifier = [this](const std::string& n) { return hub_.verifier(n); };
  in.evidence = &hub_.case_service().evidence_store();
  in.clock = &hub_.clock();
  in.logger = &logger;
  in.advice = &advice;
  PipelineResult result = run_pipeline(in);

  auto now = hub_.clock().now();
  std::string run_id = job.id + "#" + std::to_string(job.attempts);
  for (std::size_t i = 0; i < result.findings.size(); ++i) {
    const auto& f = result.findings[i];
    storage::FindingRecord r;
    r.case_id = c->id;
    r.job_id = run_id;
    r.step = std::to_string(i);
    r.verifier = f.verifier;
    r.outcome = sdk::to_string(f.outcome);
    r.score = f.score;
    r.reasons = nlohmann::json::array();
    for (const auto& reason : f.reasons)
      r.reasons.push_back({{"code", reason.code}, {"message", reason.message},
                           {"message_zh", reason.message_zh}, {"advice", reason.advice},
                           {"advice_zh", reason.advice_zh}});
    r.details = f.details;
    r.created_at = now;
    if (auto s = hub_.findings.append(r); !s)
      log_event(spdlog::level::err, "finding not stored", {{"case", c->id}, {"error", s.error().message}});
  }
  if (result.next_status.empty()) {
    // A dependency is down: the case waits ("checking, please wait") and the job runs again later.
    (void)hub_.jobs.retry_later(job.id, now + result.retry_after, "a verifier asked to retry",
                                worker_id, now);
    finish("retry");
    return;
  }
  sdk::Actor system{"system", "worker", c->province, "worker"};
  std::string reason = "pipeline";
  for (const auto& code : result.reason_codes) reason += " " + code;
  auto moved = hub_.case_service().transition(c->id, result.next_status, system, reason);
  if (!moved) {
    log_event(spdlog::level::warn, "pipeline result not applied",
              {{"case", c->id}, {"error", moved.error().message}});
  }
  (void)hub_.jobs.complete(job.id, worker_id, now);
  finish(result.next_status);
}

}  // namespace shiming
