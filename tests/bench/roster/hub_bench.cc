// Roster import through the hub (issue 7: "a 20,000-row roster validated and stored in one request
// within seconds"). Starts the real shiming-host with the enterprise plugin (the integration
// tests' config-enterprise), registers an enterprise and an HR account, POSTs a generated
// 20,000-row CSV over loopback and polls the batch's progress until it is ready. Every clean row
// becomes a case through the host's Cases::open_many (candidate, encrypted identity, duplicate
// checks, one audit record each). Prints the seconds from the POST to `ready`, cases opened, the
// host's peak RSS (VmHWM) and `shimingctl audit verify`'s verdict; on SQLite and, under
// scripts/with-mariadb.sh, MariaDB.
//   build/<dir>/tests/bench/roster/roster_hub_bench [rows]
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <unistd.h>

#include "host_process.h"
#include "roster_csv.h"
#include "test_support.h"

using namespace shiming::testing;
using Clock = std::chrono::steady_clock;

namespace {

const char* kPrefix = "/api/v1/channels/enterprise";

std::string config() { return std::string(SHIMING_SOURCE_DIR) + "/tests/integration/config-enterprise/host.yaml"; }

long host_peak_rss_mb(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(f, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6)) / 1024;
  return -1;
}

// The host's CPU time so far (user + system, seconds): on a shared machine the wall time depends
// on the other load, the CPU time much less.
double host_cpu_seconds(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(f)), {});
  auto close = stat.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return -1;
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i)
    if (i == 14 || i == 15) ticks += std::stod(field);  // utime, stime
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

bool run(const std::string& label, const std::string& database, const std::string& csv, int rows) {
  auto host = make_host(config(), database);
  if (!host->start()) {
    std::fprintf(stderr, "%s: host did not start:\n%s\n", label.c_str(), host->log_text().c_str());
    return false;
  }
  std::string db = database.empty() ? "sqlite:" + host->work_dir() + "/shiming.db" : database;
  auto ctl = [&](std::vector<std::string> args, std::string& out, const std::string& input = "") {
    std::vector<std::string> all = {"--config", config(), "--database", db, "--data-dir", host->work_dir()};
    all.insert(all.end(), args.begin(), args.end());
    return run_ctl(all, input, out);
  };
  Api api(host->port());
  std::string out;
  std::string pw = std::string(kStaffPassword) + "\n";
  if (ctl({"user", "add", "bench_admin", "--province", "entprov", "--role", "admin"}, out, pw) != 0) {
    std::fprintf(stderr, "%s: %s\n", label.c_str(), out.c_str());
    return false;
  }
  std::string admin = login(api, "bench_admin");
  auto reg = api.json("PUT", std::string(kPrefix) + "/provinces/entprov/enterprises/acme",
                      {{"name", "压测企业"}, {"credit_code", "91110105MA01ABCD13"}, {"valid_from", "2020-01-01"},
                       {"valid_until", "2099-12-31"}},
                      admin);
  if (reg.status != 201 ||
      ctl({"user", "add", "bench_hr", "--province", "entprov", "--role", "enterprise_hr", "--enterprise", "acme"}, out,
          pw) != 0) {
    std::fprintf(stderr, "%s: set-up failed: %s %s\n", label.c_str(), reg.body.c_str(), out.c_str());
    return false;
  }
  std::string hr = login(api, "bench_hr");

  double cpu_before = host_cpu_seconds(host->pid());
  auto t0 = Clock::now();
  auto up = api.call("POST", std::string(kPrefix) + "/batches", csv, hr, "text/csv");
  double accepted = std::chrono::duration<double>(Clock::now() - t0).count();
  if (up.status != 202) {
    std::fprintf(stderr, "%s: upload answered %d: %s\n", label.c_str(), up.status, up.body.c_str());
    return false;
  }
  std::string batch = up.json().value("batch_id", "");
  nlohmann::json b;
  for (;;) {
    b = api.call("GET", std::string(kPrefix) + "/batches/" + batch, "", hr).json();
    std::string state = b.value("state", "");
    if (state != "queued" && state != "importing") break;
    if (std::chrono::duration<double>(Clock::now() - t0).count() > 600) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  long rss = host_peak_rss_mb(host->pid());
  double cpu = host_cpu_seconds(host->pid()) - cpu_before;
  int opened = b["progress"].value("cases_opened", 0);
  bool audit_ok = ctl({"audit", "verify"}, out) == 0;
  std::printf("%-8s hub import of %d rows: %.2f s (202 after %.3f s), state %s, %d cases opened (%.0f rows/s), "
              "host CPU %.2f s, host peak RSS %ld MB, audit verify %s\n",
              label.c_str(), rows, seconds, accepted, b.value("state", "").c_str(), opened, rows / seconds, cpu, rss,
              audit_ok ? "ok" : ("FAILED: " + out).c_str());
  return b.value("state", "") == "ready" && opened == rows && audit_ok;
}

}  // namespace

int main(int argc, char** argv) {
  int rows = argc > 1 ? std::atoi(argv[1]) : 20000;
  if (rows <= 0 || rows > 50000) {
    std::fprintf(stderr, "usage: roster_hub_bench [rows, 1..50000]\n");
    return 2;
  }
  std::string csv = shiming::roster_data::roster_csv(rows, "2026-11");
  bool ok = run("sqlite", "", csv, rows);
  if (const char* url = std::getenv("SHIMING_TEST_MYSQL_URL"); url && *url) ok = run("mariadb", url, csv, rows) && ok;
  else std::printf("mariadb: skipped (SHIMING_TEST_MYSQL_URL not set; run under scripts/with-mariadb.sh)\n");
  return ok ? 0 : 1;
}
