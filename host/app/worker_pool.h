#pragma once
// Runs submitted cases' pipelines on worker threads, separate from the HTTP
// I/O threads. Jobs live in the database: a worker claims one with a lease;
// if the worker dies, the lease expires and another worker (in this host or
// another one on the same database) takes it again.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/records.h"

namespace shiming {

class Hub;

class WorkerPool {
 public:
  WorkerPool(Hub& hub, int threads);
  ~WorkerPool();
  void start();
  // Finishes the jobs in hand, then returns.
  void stop();
  // Wakes idle workers (a job was just enqueued by this process).
  void notify();
  // Runs one claimed job to its end (exposed for tests).
  void run_job(const storage::Job& job, const std::string& worker_id);

 private:
  void loop(int index);
  Hub& hub_;
  int threads_;
  std::vector<std::thread> workers_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::string host_id_;
  std::chrono::milliseconds sweep_interval_{5000};
};

}  // namespace shiming
