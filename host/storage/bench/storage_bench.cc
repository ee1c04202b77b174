// Throughput of the crypto primitives and of the storage hot paths (audit
// appends, job claims, case writes/reads) on SQLite and, when
// SHIMING_TEST_MYSQL_URL is set (scripts/with-mariadb.sh), on MariaDB.
//   scripts/with-mariadb.sh build/<dir>/host/storage/storage_bench
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "common/log.h"
#include "common/random.h"
#include "crypto/keyring.h"
#include "crypto/password.h"
#include "storage/audit_log.h"
#include "storage/candidate_repo.h"
#include "storage/case_repo.h"
#include "storage/database.h"
#include "storage/job_queue.h"

using namespace shiming;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Runs `body(thread, i)` n times split over `threads` threads; returns ops/s.
double run(int threads, int n, const std::function<void(int, int)>& body) {
  auto start = Clock::now();
  std::vector<std::thread> ts;
  std::atomic<int> next{0};
  for (int t = 0; t < threads; ++t)
    ts.emplace_back([&, t] {
      for (int i = next++; i < n; i = next++) body(t, i);
    });
  for (auto& t : ts) t.join();
  return n / seconds_since(start);
}

void bench_crypto() {
  auto keys = crypto::Keyring::generate();
  std::string text = "{\"name\":\"张三\",\"id_number\":\"11010519491231002X\",\"phone\":\"13812345678\"}";
  int n = 200000;
  auto t = Clock::now();
  for (int i = 0; i < n; ++i) {
    auto tok = keys.encrypt(text, "case/abc");
    if (!keys.decrypt(tok, "case/abc")) std::abort();
  }
  std::printf("crypto  encrypt+decrypt %zu-byte field        %10.0f ops/s\n", text.size(), n / seconds_since(t));
  std::vector<std::uint8_t> mb(1 << 20, 0x5a);
  t = Clock::now();
  for (int i = 0; i < 200; ++i) {
    auto blob = keys.encrypt_bytes(mb, "c/face");
    if (!keys.decrypt_bytes(blob, "c/face")) std::abort();
  }
  std::printf("crypto  encrypt+decrypt 1 MiB evidence        %10.0f MiB/s\n", 200 / seconds_since(t));
  t = Clock::now();
  for (int i = 0; i < n; ++i) (void)keys.keyed_hash("11010519491231002X");
  std::printf("crypto  keyed_hash (HMAC-SHA256)               %10.0f ops/s\n", n / seconds_since(t));
  t = Clock::now();
  std::string h;
  for (int i = 0; i < 5; ++i) h = crypto::hash_password("correct horse battery staple");
  std::printf("crypto  hash_password argon2id interactive     %10.1f ms/op\n", seconds_since(t) / 5 * 1000);
  t = Clock::now();
  for (int i = 0; i < 5; ++i) (void)crypto::verify_password(h, "correct horse battery staple");
  std::printf("crypto  verify_password                        %10.1f ms/op\n", seconds_since(t) / 5 * 1000);
}

void bench_storage(const std::string& label, const std::string& url, const std::function<void()>& drop) {
  auto opened = storage::Database::open(url, 8);
  if (!opened) {
    std::printf("%s: %s\n", label.c_str(), opened.error().message.c_str());
    return;
  }
  auto& db = **opened;
  if (auto m = db.migrate(); !m) {
    std::printf("%s: %s\n", label.c_str(), m.error().message.c_str());
    return;
  }
  auto keys = crypto::Keyring::generate();
  auto now = std::chrono::system_clock::now();
  const char* l = label.c_str();

  storage::AuditLog audit(db);
  auto entry = [&](int i) {
    storage::AuditEntry e;
    e.created_at = now;
    e.actor_role = "system";
    e.actor_id = "bench";
    e.province = "beijing";
    e.case_id = "case-" + std::to_string(i % 100);
    e.action = "transition";
    e.from_status = "submitted";
    e.to_status = "verified";
    e.reason = "pipeline";
    return e;
  };
  std::printf("%-7s audit append, 1 thread                 %10.0f ops/s\n", l,
              run(1, 1000, [&](int, int i) { if (!audit.append(entry(i))) std::abort(); }));
  std::printf("%-7s audit append, 4 threads                %10.0f ops/s\n", l,
              run(4, 2000, [&](int, int i) { if (!audit.append(entry(i))) std::abort(); }));
  auto t = Clock::now();
  auto v = audit.verify();
  std::printf("%-7s audit verify %lld records (%s)         %10.0f records/s\n", l,
              static_cast<long long>(v.checked), v.ok ? "ok" : "BROKEN", v.checked / seconds_since(t));

  storage::JobQueue jobs(db);
  const int kJobs = 2000;
  std::printf("%-7s job enqueue, 4 threads                 %10.0f ops/s\n", l,
              run(4, kJobs, [&](int, int i) {
                if (!jobs.enqueue("case-" + std::to_string(i), "pipeline", i % 3, now, now)) std::abort();
              }));
  std::atomic<int> done{0};
  t = Clock::now();
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w)
    workers.emplace_back([&, w] {
      std::string me = "w" + std::to_string(w);
      while (auto j = jobs.claim(me, std::chrono::seconds(60), now)) {
        if (!jobs.complete(j->id, me, now)) std::abort();
        ++done;
      }
    });
  for (auto& th : workers) th.join();
  std::printf("%-7s job claim+complete, 4 workers          %10.0f jobs/s (%d jobs)\n", l,
              done / seconds_since(t), done.load());

  storage::CandidateRepo candidates(db, keys);
  storage::CaseRepo cases(db, keys);
  sdk::DeclaredIdentity who;
  who.name = "张三";
  who.id_number = "11010519491231002X";
  who.phone = "13812345678";
  who.sex = "M";
  auto cand = candidates.find_or_create("beijing", who);
  if (!cand) std::abort();
  std::vector<std::string> ids(2000);
  for (auto& id : ids) id = random_id();
  std::printf("%-7s case insert (encrypted identity), 4 thr %10.0f ops/s\n", l,
              run(4, static_cast<int>(ids.size()), [&](int, int i) {
                storage::CaseRecord c;
                c.id = ids[i];
                c.candidate_id = cand->id;
                c.province = "beijing";
                c.channel = "online";
                c.exam_session = "2026H1";
                c.status = "collecting";
                c.citizen_token_hash = random_id();
                c.identity = who;
                c.created_at = c.updated_at = now;
                if (!cases.insert(c)) std::abort();
              }));
  std::printf("%-7s case get (decrypted), 4 threads        %10.0f ops/s\n", l,
              run(4, 8000, [&](int, int i) { if (!cases.get(ids[i % ids.size()])) std::abort(); }));
  std::printf("%-7s case CAS update_status, 4 threads      %10.0f ops/s\n", l,
              run(4, static_cast<int>(ids.size()), [&](int, int i) {
                if (!cases.update_status(ids[i], "collecting", "submitted", now)) std::abort();
              }));
  opened->reset();
  drop();
}

}  // namespace

int main() {
  init_logging({"error", "", true});
  bench_crypto();
  auto dir = std::filesystem::temp_directory_path() / ("shiming-bench-" + random_id());
  bench_storage("sqlite", "sqlite:" + (dir / "bench.db").string(), [&] { std::filesystem::remove_all(dir); });
  if (const char* base = std::getenv("SHIMING_TEST_MYSQL_URL"); base && *base) {
    std::string url = base;
    std::string name = "shiming_bench_" + random_id().substr(0, 8);
    auto admin = storage::Database::open(url, 1);
    if (!admin) return 1;
    {
      auto s = (*admin)->session();
      *s << "CREATE DATABASE " << name;
    }
    std::string bench_url = url.substr(0, url.rfind('/') + 1) + name;
    bench_storage("mariadb", bench_url, [&] {
      auto s = (*admin)->session();
      *s << "DROP DATABASE " << name;
    });
  } else {
    std::printf("mariadb: skipped (SHIMING_TEST_MYSQL_URL not set; run under scripts/with-mariadb.sh)\n");
  }
  return 0;
}
