#include "storage/job_queue.h"
#include "storage_fixture.h"

#include <mutex>
#include <set>
#include <thread>

namespace shiming::storage {
namespace {

using namespace std::chrono;
using testing::StorageTest;

TimePoint at(const char* iso) { return *parse_time(iso); }

class JobQueueTest : public StorageTest {};

TEST_P(JobQueueTest, ClaimsDueJobsByPriorityThenAge) {
  JobQueue q(*db_);
  auto now = at("2026-05-01T08:00:00Z");
  auto low = q.enqueue("c1", "pipeline", 0, now - minutes(10), now);
  auto high = q.enqueue("c2", "pipeline", 5, now - minutes(1), now);
  auto later = q.enqueue("c3", "pipeline", 9, now + minutes(5), now);
  auto older_low = q.enqueue("c4", "pipeline", 0, now - minutes(20), now);
  ASSERT_TRUE(low && high && later && older_low);
  EXPECT_EQ(q.depth(), 4);

  auto j1 = q.claim("w1", seconds(60), now);
  ASSERT_TRUE(j1);
  EXPECT_EQ(j1->id, *high);
  EXPECT_EQ(j1->state, "running");
  EXPECT_EQ(j1->lease_owner, "w1");
  EXPECT_EQ(j1->lease_until, now + seconds(60));
  EXPECT_EQ(j1->attempts, 1);
  EXPECT_EQ(q.claim("w1", seconds(60), now)->id, *older_low);
  EXPECT_EQ(q.claim("w1", seconds(60), now)->id, *low);
  EXPECT_FALSE(q.claim("w1", seconds(60), now)) << "the remaining job is not due yet";
  EXPECT_EQ(q.claim("w1", seconds(60), now + minutes(5))->id, *later);
  auto counts = q.counts();
  EXPECT_EQ(counts["running"], 4);
  EXPECT_EQ(q.depth(), 4);
}

TEST_P(JobQueueTest, CompleteRetryFailAndLeaseChecks) {
  JobQueue q(*db_);
  auto now = at("2026-05-01T08:00:00Z");
  auto id = *q.enqueue("c1", "pipeline", 0, now, now);
  auto j = q.claim("w1", seconds(30), now);
  ASSERT_TRUE(j);
  EXPECT_EQ(q.complete(id, "w2", now).error().code, "LEASE_LOST");
  auto retry = q.retry_later(id, now + minutes(2), "authority unavailable", "w1", now);
  ASSERT_TRUE(retry) << retry.error().message;
  auto after = q.get(id);
  EXPECT_EQ(after->state, "queued");
  EXPECT_EQ(after->last_error, "authority unavailable");
  EXPECT_EQ(after->run_after, now + minutes(2));
  EXPECT_TRUE(after->lease_owner.empty());
  EXPECT_FALSE(q.claim("w1", seconds(30), now + minutes(1)));
  auto again = q.claim("w2", seconds(30), now + minutes(2));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->attempts, 2);
  ASSERT_TRUE(q.extend_lease(id, "w2", now + minutes(10), now + minutes(2)));
  EXPECT_EQ(q.extend_lease(id, "w1", now + minutes(10), now + minutes(2)).error().code, "LEASE_LOST");
  EXPECT_FALSE(q.claim("w3", seconds(30), now + minutes(5))) << "lease was extended";
  ASSERT_TRUE(q.complete(id, "w2", now + minutes(3)));
  EXPECT_EQ(q.get(id)->state, "done");
  EXPECT_EQ(q.depth(), 0);
  EXPECT_EQ(q.complete("missing").error().code, "NOT_FOUND");

  auto id2 = *q.enqueue("c2", "pipeline", 0, now, now);
  ASSERT_TRUE(q.claim("w1", seconds(30), now));
  ASSERT_TRUE(q.fail(id2, "verifier crashed", "w1", now));
  EXPECT_EQ(q.get(id2)->state, "failed");
  EXPECT_EQ(q.get(id2)->last_error, "verifier crashed");
  EXPECT_EQ(q.counts()["failed"], 1);
  EXPECT_EQ(q.counts()["done"], 1);
  EXPECT_EQ(q.enqueue("c", "", 0, now, now).error().code, "BAD_JOB_KIND");

  auto id3 = *q.enqueue("c3", "pipeline", 0, now, now);  // stays queued
  EXPECT_EQ(*q.purge_finished(now + minutes(3)), 1) << "only the job failed at 08:00 is older";
  EXPECT_EQ(*q.purge_finished(now + hours(1)), 1);
  EXPECT_EQ(q.get(id).error().code, "NOT_FOUND");
  EXPECT_EQ(q.get(id3)->state, "queued");
}

TEST_P(JobQueueTest, ExpiredLeaseHandsTheJobToAnotherWorker) {
  JobQueue q(*db_);
  auto now = at("2026-05-01T08:00:00Z");
  auto id = *q.enqueue("c1", "pipeline", 0, now, now);
  ASSERT_EQ(q.claim("dead-worker", seconds(30), now)->id, id);
  EXPECT_FALSE(q.claim("w2", seconds(30), now + seconds(29))) << "lease still valid";
  auto taken = q.claim("w2", seconds(30), now + seconds(30));
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->id, id);
  EXPECT_EQ(taken->lease_owner, "w2");
  EXPECT_EQ(taken->attempts, 2);
  // The dead worker comes back: it no longer owns the job.
  EXPECT_EQ(q.complete(id, "dead-worker", now + seconds(31)).error().code, "LEASE_LOST");
  EXPECT_TRUE(q.complete(id, "w2", now + seconds(31)));
}

TEST_P(JobQueueTest, ConcurrentWorkersNeverClaimTheSameJob) {
  JobQueue q(*db_);
  auto now = at("2026-05-01T08:00:00Z");
  constexpr int kJobs = 60, kWorkers = 4;
  for (int i = 0; i < kJobs; ++i) ASSERT_TRUE(q.enqueue("c" + std::to_string(i), "pipeline", i % 3, now, now));
  std::mutex mu;
  std::multiset<std::string> claimed;
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&, w] {
      JobQueue mine(*db_);
      const std::string me = "w" + std::to_string(w);
      while (auto j = mine.claim(me, seconds(300), now)) {
        {
          std::lock_guard<std::mutex> lock(mu);
          claimed.insert(j->id);
        }
        EXPECT_TRUE(mine.complete(j->id, me, now));
      }
    });
  for (auto& t : workers) t.join();
  EXPECT_EQ(claimed.size(), static_cast<std::size_t>(kJobs));
  std::set<std::string> unique(claimed.begin(), claimed.end());
  EXPECT_EQ(unique.size(), claimed.size()) << "a job was claimed twice";
  EXPECT_EQ(q.depth(), 0);
  EXPECT_EQ(q.counts()["done"], kJobs);
}

TEST_P(JobQueueTest, TwoHostsNeverClaimTheSameJob) {
  auto other = second_host();
  ASSERT_TRUE(other);
  JobQueue q(*db_);
  auto now = at("2026-05-01T08:00:00Z");
  constexpr int kJobs = 40;
  for (int i = 0; i < kJobs; ++i) ASSERT_TRUE(q.enqueue("c" + std::to_string(i), "pipeline", 0, now, now));
  std::mutex mu;
  std::vector<std::string> claimed;
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w)
    workers.emplace_back([&, w] {
      JobQueue mine(w % 2 ? *other : *db_);
      const std::string me = "host" + std::to_string(w % 2) + "-w" + std::to_string(w);
      while (auto j = mine.claim(me, seconds(300), now)) {
        std::lock_guard<std::mutex> lock(mu);
        claimed.push_back(j->id);
      }
    });
  for (auto& t : workers) t.join();
  std::set<std::string> unique(claimed.begin(), claimed.end());
  EXPECT_EQ(claimed.size(), static_cast<std::size_t>(kJobs));
  EXPECT_EQ(unique.size(), claimed.size()) << "a job was claimed twice";
  EXPECT_EQ(q.counts()["running"], kJobs);
}

SHIMING_STORAGE_BACKENDS(JobQueueTest);

}  // namespace
}  // namespace shiming::storage
