// Admission control (issue 8, peak days) against the real shiming-host binary
// over loopback: a client over its rate gets 429 with Retry-After while another
// client is still served; heavy requests get 503 when the job queue is over its
// limit or too many heavy requests are in flight; health, metrics and the
// busy-time notice stay reachable.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "host_process.h"
#include "test_support.h"

namespace shiming::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Json = nlohmann::json;
using http::testing::ClientResponse;
using http::testing::TestClient;
using Headers = std::vector<std::pair<std::string, std::string>>;

const std::string kSource = SHIMING_SOURCE_DIR;

// The integration config plus an admission block. X-Test-Client plays the
// trusted proxy's client-address header, so one test can be several clients.
std::string write_config(const std::string& admission_block) {
  std::string root = make_temp_dir("admission");
  fs::copy(kSource + "/tests/integration/config", root + "/config", fs::copy_options::recursive);
  std::ofstream(root + "/config/host.yaml", std::ios::app)
      << "\nadmission:\n  enabled: true\n  client_ip_header: X-Test-Client\n" << admission_block;
  return root + "/config/host.yaml";
}

std::unique_ptr<HostProcess> start_host(const std::string& config, std::vector<std::string> args = {}) {
  HostProcessOptions o;
  o.config_file = config;
  o.extra_args = std::move(args);
  auto host = std::make_unique<HostProcess>(o);
  EXPECT_TRUE(host->start()) << host->log_text();
  return host;
}

Headers as_client(const std::string& address, const std::string& token = {}) {
  Headers h{{"X-Test-Client", address}, {"Content-Type", "application/json"}};
  if (!token.empty()) h.emplace_back("Authorization", "Bearer " + token);
  return h;
}

std::string error_of(const ClientResponse& r) { return error_code(r); }

// Opens a case in testprov as `client`; returns {case id, token}.
std::pair<std::string, std::string> open_case(TestClient& c, const std::string& client, std::mt19937& rng) {
  Json body = {{"name", "张三丰"}, {"id_number", make_id_number(rng)}, {"sex", "M"},
               {"phone", "13812345678"}, {"exam_session", "2026-11"}};
  auto r = c.request("POST", "/api/v1/provinces/testprov/cases", body.dump(), as_client(client));
  EXPECT_EQ(r.status, 201) << r.body;
  if (r.status != 201) return {};
  return {r.json()["case_id"], r.json()["token"]};
}

// A refusal carries the error envelope with both languages and a whole-second Retry-After.
int expect_refusal(const ClientResponse& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(error_of(r), code) << r.body;
  if (r.status == status) {
    auto e = r.json()["error"];
    EXPECT_FALSE(e.value("message", "").empty());
    EXPECT_FALSE(e.value("message_zh", "").empty());
  }
  const std::string ra = r.header("Retry-After");
  EXPECT_FALSE(ra.empty()) << "no Retry-After";
  int seconds = ra.empty() ? 0 : std::stoi(ra);
  EXPECT_GE(seconds, 1);
  return seconds;
}

double metric(TestClient& c, const std::string& series) {
  auto r = c.request("GET", "/metrics");
  EXPECT_EQ(r.status, 200);
  std::istringstream in(r.body);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  return -1;
}

TEST(Admission, ClientOverItsRateGets429WhileAnotherClientIsServed) {
  std::mt19937 rng(std::random_device{}());
  auto host = start_host(write_config("  client_rate: 0.5\n  client_burst: 4\n  heavy_cost: 1\n"));
  TestClient c("127.0.0.1", host->port());
  auto [id_a, token_a] = open_case(c, "10.0.0.1", rng);
  auto [id_b, token_b] = open_case(c, "10.0.0.2", rng);
  ASSERT_FALSE(token_a.empty());
  ASSERT_FALSE(token_b.empty());

  // Client A spends its burst of 4 on its own case, then is refused.
  ClientResponse refused;
  int served = 0;
  for (int i = 0; i < 20; ++i) {
    auto r = c.request("GET", "/api/v1/cases/" + id_a, "", as_client("10.0.0.1", token_a));
    if (r.status != 200) {
      refused = r;
      break;
    }
    ++served;
  }
  EXPECT_GE(served, 3);  // the burst (one token may have refilled meanwhile)
  EXPECT_LE(served, 6);
  int wait = expect_refusal(refused, 429, "RATE_LIMITED");
  EXPECT_LE(wait, 2);  // one token at 0.5 a second
  EXPECT_TRUE(refused.keep_alive);

  // Client B (another token, even from the same address) is served meanwhile.
  auto b = c.request("GET", "/api/v1/cases/" + id_b, "", as_client("10.0.0.1", token_b));
  EXPECT_EQ(b.status, 200) << b.body;
  EXPECT_EQ(b.json().value("id", ""), id_b);
  // Exempt routes stay reachable for the limited client.
  EXPECT_EQ(c.request("GET", "/healthz", "", as_client("10.0.0.1", token_a)).status, 200);
  EXPECT_EQ(c.request("GET", "/api/v1/provinces/testprov/load", "", as_client("10.0.0.1", token_a)).status, 200);
  EXPECT_GE(metric(c, "shiming_admission_rejected_total{reason=\"client_rate\"}"), 1);

  // After Retry-After, A is served again (polled, generous limit).
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(wait) + 10s;
  int status = 0;
  while (std::chrono::steady_clock::now() < until) {
    status = c.request("GET", "/api/v1/cases/" + id_a, "", as_client("10.0.0.1", token_a)).status;
    if (status == 200) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(status, 200);
}

TEST(Admission, HeavyRequestsGet503WhenTheJobQueueIsOverItsLimit) {
  std::mt19937 rng(std::random_device{}());
  // --workers 0: an API-only host, so submitted jobs stay queued.
  auto host = start_host(write_config("  max_queue_depth: 2\n  seconds_per_job: 30\n  queue_sample_ms: 0\n"),
                         {"--workers", "0"});
  TestClient c("127.0.0.1", host->port());
  std::vector<std::pair<std::string, std::string>> cases;
  for (int i = 0; i < 2; ++i) {
    auto [id, token] = open_case(c, "10.0.1." + std::to_string(i), rng);
    ASSERT_FALSE(token.empty());
    Headers jpeg = as_client("10.0.1." + std::to_string(i), token);
    jpeg[1].second = "image/jpeg";
    ASSERT_EQ(c.request("PUT", "/api/v1/cases/" + id + "/documents/id-front", make_photo(), jpeg).status, 200);
    ASSERT_EQ(c.request("PUT", "/api/v1/cases/" + id + "/documents/id-back", make_photo(), jpeg).status, 200);
    auto s = c.request("POST", "/api/v1/cases/" + id + "/submit", "", as_client("10.0.1." + std::to_string(i), token));
    ASSERT_EQ(s.status, 202) << s.body;
    cases.emplace_back(id, token);
  }
  // Two jobs queued = the limit: a heavy request (opening a case) is refused with an estimate.
  Json body = {{"name", "李四"}, {"id_number", make_id_number(rng)}, {"sex", "M"},
               {"phone", "13812345678"}, {"exam_session", "2026-11"}};
  auto r = c.request("POST", "/api/v1/provinces/testprov/cases", body.dump(), as_client("10.0.2.1"));
  int wait = expect_refusal(r, 503, "QUEUE_FULL");
  EXPECT_EQ(wait, 30);  // one job over the limit x 30 s per job / one worker
  // Light requests, health and the busy-time notice are still answered.
  EXPECT_EQ(c.request("GET", "/api/v1/cases/" + cases[0].first, "", as_client("10.0.1.0", cases[0].second)).status, 200);
  EXPECT_EQ(c.request("GET", "/healthz").status, 200);
  auto load = c.request("GET", "/api/v1/provinces/testprov/load");
  EXPECT_EQ(load.status, 200);
  EXPECT_GE(load.json().value("queue_depth", 0), 2);
  EXPECT_GE(metric(c, "shiming_admission_rejected_total{reason=\"queue_depth\"}"), 1);
  EXPECT_EQ(metric(c, "shiming_job_queue_depth"), 2);
}

TEST(Admission, HeavyRequestsOverTheInFlightLimitGet503) {
  std::mt19937 rng(std::random_device{}());
  auto host = start_host(write_config("  max_in_flight_heavy: 1\n"));
  TestClient c("127.0.0.1", host->port());
  auto [id, token] = open_case(c, "10.0.3.1", rng);
  ASSERT_FALSE(token.empty());

  // A slow upload: the header and half the body, then nothing (it holds the one heavy slot).
  const std::string photo = make_photo();
  TestClient slow("127.0.0.1", host->port());
  slow.write_raw("PUT /api/v1/cases/" + id + "/documents/id-front HTTP/1.1\r\nHost: x\r\n"
                 "X-Test-Client: 10.0.3.1\r\nAuthorization: Bearer " + token +
                 "\r\nContent-Type: image/jpeg\r\nContent-Length: " + std::to_string(photo.size()) + "\r\n\r\n" +
                 photo.substr(0, photo.size() / 2));
  // The server takes the slow request's header on its own I/O thread: wait until it holds the
  // slot (else another client's request admitted first would have the upload refused).
  EXPECT_TRUE(eventually([&] { return metric(c, "shiming_admission_heavy_in_flight") == 1; }, 10s));
  // Another client's heavy request is refused while the upload is in flight.
  ClientResponse busy;
  auto until = std::chrono::steady_clock::now() + 10s;
  Json body = {{"name", "王五"}, {"id_number", make_id_number(rng)}, {"sex", "M"},
               {"phone", "13812345678"}, {"exam_session", "2026-11"}};
  while (std::chrono::steady_clock::now() < until) {
    body["id_number"] = make_id_number(rng);
    busy = c.request("POST", "/api/v1/provinces/testprov/cases", body.dump(), as_client("10.0.3.2"));
    if (busy.status == 503) break;
    std::this_thread::sleep_for(20ms);
  }
  expect_refusal(busy, 503, "HOST_BUSY");
  EXPECT_EQ(metric(c, "shiming_admission_heavy_in_flight"), 1);
  // A light request is not affected.
  EXPECT_EQ(c.request("GET", "/api/v1/cases/" + id, "", as_client("10.0.3.1", token)).status, 200);

  // The upload completes: the slot is free again and the next heavy request is served.
  slow.write_raw(photo.substr(photo.size() / 2));
  EXPECT_EQ(slow.read_response().status, 200);
  body["id_number"] = make_id_number(rng);
  auto ok = c.request("POST", "/api/v1/provinces/testprov/cases", body.dump(), as_client("10.0.3.2"));
  EXPECT_EQ(ok.status, 201) << ok.body;
  EXPECT_GE(metric(c, "shiming_admission_rejected_total{reason=\"host_in_flight\"}"), 1);
}

TEST(Admission, OneClientsParallelUploadsOverItsLimitGet429WhileOthersAreServed) {
  std::mt19937 rng(std::random_device{}());
  // (A host limit well above what the test uses, so the in-flight gauge counts.)
  auto host = start_host(write_config("  client_max_in_flight_heavy: 1\n  max_in_flight_heavy: 100\n"));
  TestClient c("127.0.0.1", host->port());
  auto [id, token] = open_case(c, "10.0.4.1", rng);
  ASSERT_FALSE(token.empty());

  // The citizen's slow upload of the front holds the one heavy place this client has.
  const std::string photo = make_photo();
  TestClient slow("127.0.0.1", host->port());
  slow.write_raw("PUT /api/v1/cases/" + id + "/documents/id-front HTTP/1.1\r\nHost: x\r\n"
                 "X-Test-Client: 10.0.4.1\r\nAuthorization: Bearer " + token +
                 "\r\nContent-Type: image/jpeg\r\nContent-Length: " + std::to_string(photo.size()) + "\r\n\r\n" +
                 photo.substr(0, photo.size() / 2));
  // Taken before the citizen's next request (see HeavyRequestsOverTheInFlightLimitGet503).
  EXPECT_TRUE(eventually([&] { return metric(c, "shiming_admission_heavy_in_flight") == 1; }, 10s));
  Headers image{{"X-Test-Client", "10.0.4.1"}, {"Authorization", "Bearer " + token}, {"Content-Type", "image/jpeg"}};
  ClientResponse busy;
  auto until = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < until) {
    busy = c.request("PUT", "/api/v1/cases/" + id + "/documents/id-back", photo, image);
    if (busy.status == 429) break;
    std::this_thread::sleep_for(20ms);
  }
  expect_refusal(busy, 429, "CLIENT_BUSY");
  // Another client is served meanwhile; so are the citizen's light requests.
  auto other = open_case(c, "10.0.4.2", rng);
  EXPECT_FALSE(other.second.empty());
  EXPECT_EQ(c.request("GET", "/api/v1/cases/" + id, "", as_client("10.0.4.1", token)).status, 200);

  // The front arrives; the back is taken now.
  slow.write_raw(photo.substr(photo.size() / 2));
  EXPECT_EQ(slow.read_response().status, 200);
  auto back = c.request("PUT", "/api/v1/cases/" + id + "/documents/id-back", photo, image);
  EXPECT_EQ(back.status, 200) << back.body;
  EXPECT_GE(metric(c, "shiming_admission_rejected_total{reason=\"client_in_flight\"}"), 1);
}

}  // namespace
}  // namespace shiming::testing
