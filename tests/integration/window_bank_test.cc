// The window and bank channels end to end against the real shiming-host binary: real plugins
// from .so files, real HTTP over loopback, real SQLite, a real webhook receiver on loopback.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "file_fingerprint_capture.h"
#include "host_process.h"
#include "iso19794.h"
#include "shiming/print/verify_cli.h"
#include "test_support.h"

namespace shiming::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
const std::string kSource = SHIMING_SOURCE_DIR;

std::string b64(const std::string& raw) {
  std::string out(sodium_base64_encoded_len(raw.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

std::string sha256_hex(const std::string& s) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(s.data()), s.size());
  std::string out;
  char buf[3];
  for (unsigned char c : h) { std::snprintf(buf, sizeof buf, "%02x", c); out += buf; }
  return out;
}

// A port that was free a moment ago (the receiver binds it later).
unsigned short free_port() {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  close(s);
  return ntohs(a.sin_port);
}

// A minimal HTTP/1.1 receiver for the bank's webhooks: one request per connection, 200. While
// silent it takes each connection and keeps it open without a word (a receiver that never answers).
class WebhookReceiver {
 public:
  void set_silent(bool silent) { silent_ = silent; }
  int silently_held() const { return held_count_; }
  struct Received {
    std::map<std::string, std::string> headers;  // lower-case names
    std::string path, body;
  };
  explicit WebhookReceiver(unsigned short port) : port_(port) {}
  ~WebhookReceiver() { stop(); }
  bool start() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port_);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd_, 16) != 0) return false;
    thread_ = std::thread([this] { run(); });
    return true;
  }
  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
    for (int c : held_) close(c);
    held_.clear();
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  std::vector<Received> received() {
    std::lock_guard lock(mu_);
    return got_;
  }

 private:
  void run() {
    while (!stopping_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      if (silent_) {
        held_.push_back(c);
        ++held_count_;
        continue;
      }
      std::string data;
      char buf[4096];
      std::size_t header_end = std::string::npos, need = 0;
      while (true) {
        ssize_t n = recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        data.append(buf, n);
        if (header_end == std::string::npos && (header_end = data.find("\r\n\r\n")) != std::string::npos) {
          std::smatch m;
          std::string head = data.substr(0, header_end);
          if (std::regex_search(head, m, std::regex("[Cc]ontent-[Ll]ength: *(\\d+)"))) need = std::stoul(m[1]);
        }
        if (header_end != std::string::npos && data.size() >= header_end + 4 + need) break;
      }
      Received r;
      std::istringstream head(data.substr(0, header_end));
      std::string line, method;
      std::getline(head, line);
      std::istringstream first(line);
      first >> method >> r.path;
      while (std::getline(head, line)) {
        auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string k = line.substr(0, colon), v = line.substr(colon + 1);
        for (auto& ch : k) ch = static_cast<char>(std::tolower(ch));
        while (!v.empty() && (v.front() == ' ')) v.erase(0, 1);
        while (!v.empty() && (v.back() == '\r')) v.pop_back();
        r.headers[k] = v;
      }
      r.body = data.substr(header_end + 4, need);
      {
        std::lock_guard lock(mu_);
        got_.push_back(r);
      }
      std::string resp = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      send(c, resp.data(), resp.size(), MSG_NOSIGNAL);
      close(c);
    }
  }
  unsigned short port_;
  int fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> silent_{false};
  std::atomic<int> held_count_{0};
  std::vector<int> held_;  // the receiver thread's only, until stop()
  std::thread thread_;
  std::mutex mu_;
  std::vector<Received> got_;
};

// A bank's signing client.
struct BankClient {
  std::string province, key_id;
  std::array<unsigned char, 32> pk{};
  std::array<unsigned char, 64> sk{};
  int counter = 0;
  BankClient(std::string p, std::string k) : province(std::move(p)), key_id(std::move(k)) {
    crypto_sign_keypair(pk.data(), sk.data());
  }
  std::string public_pem() const {
    std::string der = std::string("\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00", 12) +
                      std::string(reinterpret_cast<const char*>(pk.data()), 32);
    return "-----BEGIN PUBLIC KEY-----\n" + b64(der) + "\n-----END PUBLIC KEY-----\n";
  }
  std::vector<std::pair<std::string, std::string>> sign(const std::string& method, const std::string& path,
                                                        const std::string& body, long long skew = 0) {
    std::string ts = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                        std::chrono::system_clock::now().time_since_epoch()).count() + skew);
    std::string nonce = "nonce-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + "-xyz";
    std::string m = method + "\n" + path + "\n" + province + "\n" + ts + "\n" + nonce + "\n" + sha256_hex(body);
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(m.data()), m.size(), sk.data());
    return {{"X-Shiming-Province", province}, {"X-Shiming-Key-Id", key_id}, {"X-Shiming-Timestamp", ts},
            {"X-Shiming-Nonce", nonce}, {"X-Shiming-Signature", b64(std::string(reinterpret_cast<char*>(sig), sizeof sig))}};
  }
};

class WindowBank : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_GE(sodium_init(), 0); }

  void SetUp() override {
    rng_.seed(std::random_device{}());
    callback_port_ = free_port();
    root_ = make_temp_dir("wbcfg");
    fs::create_directories(root_ + "/config");
    fs::copy(kSource + "/tests/integration/config-window-bank", root_ + "/config", fs::copy_options::recursive);
    for (const char* p : {"wbprov", "otherprov"}) {
      std::string file = root_ + "/config/provinces/" + p + ".yaml";
      std::string text = std::regex_replace(slurp(file), std::regex("@CALLBACK_PORT@"), std::to_string(callback_port_));
      std::ofstream(file) << text;
    }
  }

  // Starts a host; key files go into its working directory (paths in the rules are relative to it).
  std::unique_ptr<HostProcess> start_host(const std::string& database = {}, const std::string& data_dir = {}) {
    HostProcessOptions o;
    o.config_file = root_ + "/config/host.yaml";
    o.database_url = database;
    if (!data_dir.empty()) o.extra_args = {"--data-dir", data_dir};
    auto host = std::make_unique<HostProcess>(o);
    fs::create_directories(host->work_dir() + "/keys");
    std::ofstream(host->work_dir() + "/keys/wbbank.pub") << bank_.public_pem();
    std::ofstream(host->work_dir() + "/keys/opbank.pub") << other_bank_.public_pem();
    std::ofstream(host->work_dir() + "/keys/hmacbank.secret") << std::string(40, 'q');
    EXPECT_TRUE(host->start()) << host->log_text();
    return host;
  }

  std::string staff_token(Api& api, const std::string& db_url, const std::string& role, const std::string& province) {
    std::string name = role + "_" + province + "_" + std::to_string(rng_());
    std::string out;
    int rc = run_ctl({"--config", root_ + "/config/host.yaml", "--database", db_url, "user", "add", name,
                      "--province", province, "--role", role},
                     "correct horse battery staple\n", out);
    EXPECT_EQ(rc, 0) << out;
    auto r = api.json("POST", "/api/v1/auth/login", {{"username", name}, {"password", "correct horse battery staple"}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().value("token", "");
  }

  http::testing::ClientResponse bank_call(Api& api, BankClient& bank, const std::string& method, const std::string& path,
                                          const std::string& body = {}, long long skew = 0) {
    auto headers = bank.sign(method, path, body, skew);
    headers.emplace_back("Content-Type", "application/json");
    return api.client.request(method, path, body, headers);
  }

  Json bank_body(const std::string& id_number, const std::string& reference, const std::string& branch = "WB001") {
    Json doc_jpg = {{"content_type", "image/jpeg"}, {"data", b64(make_photo(".jpg"))}};
    Json doc_png = {{"content_type", "image/png"}, {"data", b64(make_photo(".png"))}};
    return {{"reference", reference}, {"branch_code", branch}, {"operator_id", "teller-7"}, {"exam_session", "2026-11"},
            {"identity", {{"name", "王五"}, {"id_number", id_number}, {"sex", "M"}, {"phone", "13900000000"}}},
            {"documents", {{"id-front", doc_jpg}, {"id-back", doc_png}, {"face", doc_jpg}}}};
  }

  std::string tomorrow() const {
    auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + std::chrono::hours(24 + 8));
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
  }

  std::mt19937 rng_;
  unsigned short callback_port_ = 0;
  std::string root_;
  BankClient bank_{"wbprov", "wbbank-key-1"};
  BankClient other_bank_{"otherprov", "opbank-key"};
};

const std::string kWin = "/api/v1/channels/window";
const std::string kBank = "/api/v1/channels/bank/submissions";

TEST_F(WindowBank, ClerkBooksChecksCapturesDecidesAndPrints) {
  auto host = start_host();
  Api api(host->port());
  std::string db = "sqlite:" + host->work_dir() + "/shiming.db";
  std::string clerk = staff_token(api, db, "clerk", "wbprov");
  std::string other_clerk = staff_token(api, db, "clerk", "otherprov");
  std::string id_number = make_id_number(rng_);

  // Offices and booking: a slot holds one (capacity 2 over 2 slots); double booking refused.
  auto offices = api.call("GET", kWin + "/provinces/wbprov/offices?date=" + tomorrow());
  ASSERT_EQ(offices.status, 200) << offices.body;
  EXPECT_EQ(offices.json()["offices"][0]["id"], "wb-center");
  EXPECT_EQ(offices.json()["required_originals"].size(), 2u);
  Json booking = {{"office_id", "wb-center"}, {"date", tomorrow()}, {"slot", "09:00-10:00"}, {"name", "张三"},
                  {"id_number", id_number}, {"phone", "13800000000"}};
  auto booked = api.json("POST", kWin + "/provinces/wbprov/appointments", booking);
  ASSERT_EQ(booked.status, 201) << booked.body;
  EXPECT_EQ(booked.json()["id_number"].get<std::string>().find(id_number), std::string::npos);  // masked
  booking["slot"] = "10:00-11:00";
  EXPECT_EQ(error_code(api.json("POST", kWin + "/provinces/wbprov/appointments", booking)), "APPOINTMENT_EXISTS");
  booking["slot"] = "09:00-10:00";
  booking["id_number"] = make_id_number(rng_);
  auto full = api.json("POST", kWin + "/provinces/wbprov/appointments", booking);
  EXPECT_EQ(full.status, 409);
  EXPECT_EQ(error_code(full), "SLOT_FULL");
  auto listed = api.call("GET", kWin + "/provinces/wbprov/appointments?office_id=wb-center&date=" + tomorrow(), "", clerk);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.json()["appointments"].size(), 1u);
  EXPECT_EQ(api.call("GET", kWin + "/provinces/wbprov/appointments?office_id=wb-center&date=" + tomorrow(), "", other_clerk).status, 403);

  // Opening: a clerk may, a citizen may not, a clerk of another province may not.
  Json identity = {{"name", "张三"}, {"id_number", id_number}, {"sex", "M"}, {"phone", "13800000000"},
                   {"exam_session", "2026-11"}, {"channel", "window"}};
  EXPECT_EQ(error_code(api.json("POST", "/api/v1/provinces/wbprov/cases", identity)), "FORBIDDEN");
  EXPECT_EQ(error_code(api.json("POST", "/api/v1/provinces/wbprov/cases", identity, other_clerk)), "FORBIDDEN");
  auto opened = api.json("POST", "/api/v1/provinces/wbprov/cases", identity, clerk);
  ASSERT_EQ(opened.status, 201) << opened.body;
  std::string id = opened.json()["case_id"];
  auto found = api.json("POST", kWin + "/counter/lookup", {{"id_number", id_number}}, clerk);
  ASSERT_EQ(found.status, 200) << found.body;
  EXPECT_EQ(found.json()["case_id"], id);
  EXPECT_EQ(api.json("POST", kWin + "/counter/lookup", {{"id_number", id_number}}, other_clerk).status, 404);

  // Scans of the originals; the other province's clerk cannot touch the case.
  EXPECT_EQ(api.call("PUT", "/api/v1/cases/" + id + "/documents/id-front", make_photo(), clerk, "image/jpeg").status, 200);
  EXPECT_EQ(api.call("PUT", "/api/v1/cases/" + id + "/documents/id-back", make_photo(".png"), clerk, "image/png").status, 200);
  EXPECT_EQ(api.call("PUT", "/api/v1/cases/" + id + "/documents/id-back", make_photo(".png"), other_clerk, "image/png").status, 404);
  EXPECT_EQ(api.json("POST", kWin + "/counter/cases/" + id + "/originals", {{"office_id", "wb-center"}, {"checked", {"id_card"}}}, other_clerk).status, 404);

  // Every scan present, originals not recorded or missing: refused at submission.
  EXPECT_EQ(error_code(api.call("POST", "/api/v1/cases/" + id + "/submit", "{}", clerk)), "MISSING_DOCUMENT");
  EXPECT_EQ(api.call("PUT", "/api/v1/cases/" + id + "/documents/diploma", make_photo(), clerk, "image/jpeg").status, 200);
  EXPECT_EQ(error_code(api.call("POST", "/api/v1/cases/" + id + "/submit", "{}", clerk)), "ORIGINALS_NOT_RECORDED");
  auto partial = api.json("POST", kWin + "/counter/cases/" + id + "/originals", {{"office_id", "wb-center"}, {"checked", {"id_card"}}}, clerk);
  ASSERT_EQ(partial.status, 200) << partial.body;
  EXPECT_EQ(partial.json()["missing_originals"], Json::array({"diploma"}));
  auto refused = api.call("POST", "/api/v1/cases/" + id + "/submit", "{}", clerk);
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(error_code(refused), "MISSING_ORIGINALS");
  ASSERT_EQ(api.json("POST", kWin + "/counter/cases/" + id + "/originals", {{"office_id", "wb-center"}, {"checked", {"id_card", "diploma"}}}, clerk).status, 200);

  // Face capture (the face verifiers are not loaded in this configuration: recorded as such).
  auto face = api.call("PUT", kWin + "/counter/cases/" + id + "/face", make_photo(".jpg", 640, 480), clerk, "image/jpeg");
  ASSERT_EQ(face.status, 200) << face.body;
  EXPECT_EQ(face.json()["checks"]["face_quality"]["outcome"], "not_available");

  // Fingerprint from the sample device (an ISO/IEC 19794-2 template file); garbage refused.
  window::FingerprintTemplate t;
  t.width = 300;
  t.height = 400;
  window::FingerView view;
  view.position = 2;
  view.quality = 77;
  for (int i = 0; i < 25; ++i) view.minutiae.push_back({1, 10 + i * 10, 15 + i * 12, i * 9, 70});
  t.views.push_back(view);
  std::string template_file = host->work_dir() + "/finger.iso";
  auto bytes = window::encode_iso19794_2(t);
  std::ofstream(template_file, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  window::FileFingerprintCapture device(template_file);
  auto sample = device.capture();
  ASSERT_TRUE(sample.ok());
  auto fp = api.call("PUT", kWin + "/counter/cases/" + id + "/fingerprint",
                     std::string(sample->data.begin(), sample->data.end()), clerk, "application/octet-stream");
  ASSERT_EQ(fp.status, 200) << fp.body;
  EXPECT_EQ(fp.json()["quality"], 77);
  EXPECT_EQ(error_code(api.call("PUT", kWin + "/counter/cases/" + id + "/fingerprint", "not a template", clerk,
                                "application/octet-stream")), "TEMPLATE_INVALID");

  // Decision: the province's window verifications are final at once when the pipeline passes.
  auto submitted = api.call("POST", "/api/v1/cases/" + id + "/submit", "{}", clerk);
  ASSERT_LT(submitted.status, 300) << submitted.body;
  std::string status;
  for (int i = 0; i < 200 && status != "verified"; ++i) {
    status = api.call("GET", "/api/v1/cases/" + id, "", clerk).json().value("status", "");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(status, "verified");

  // Receipt: PDF renders, HTML shows masked data only, token verifies online and offline.
  auto pdf = api.call("GET", kWin + "/counter/cases/" + id + "/receipt?format=pdf", "", clerk);
  ASSERT_EQ(pdf.status, 200) << pdf.body;
  ASSERT_EQ(pdf.body.rfind("%PDF-", 0), 0u);
  std::string pdf_file = host->work_dir() + "/receipt.pdf";
  std::ofstream(pdf_file, std::ios::binary) << pdf.body;
  ASSERT_EQ(std::system(("pdftoppm -r 40 -png " + pdf_file + " " + host->work_dir() + "/page").c_str()), 0);
  EXPECT_GT(fs::file_size(host->work_dir() + "/page-1.png"), 1000u);
  auto html = api.call("GET", kWin + "/counter/cases/" + id + "/receipt?format=html", "", clerk);
  ASSERT_EQ(html.status, 200);
  EXPECT_EQ(html.body.find(id_number), std::string::npos);
  EXPECT_NE(html.body.find("窗口省软考服务大厅"), std::string::npos);
  auto json_receipt = api.call("GET", kWin + "/counter/cases/" + id + "/receipt?format=json", "", clerk);
  std::string token = json_receipt.json()["token"];
  auto ok = api.call("GET", kWin + "/receipts/verify?token=" + token);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json()["receipt"]["case"], id);
  EXPECT_EQ(ok.json()["receipt"]["status"], "verified");
  std::string altered = token;
  altered[token.size() / 3] = altered[token.size() / 3] == 'A' ? 'B' : 'A';
  auto bad = api.call("GET", kWin + "/receipts/verify?token=" + altered);
  EXPECT_GE(bad.status, 400);
  EXPECT_TRUE(error_code(bad) == "RECEIPT_SIGNATURE_INVALID" || error_code(bad) == "RECEIPT_TOKEN_MALFORMED") << bad.body;
  std::string pk = api.call("GET", kWin + "/receipts/public-key").json()["public_key"];
  std::ostringstream out, err;
  EXPECT_EQ(print::run_receipt_verify({"--public-key", pk, token}, out, err), 0) << err.str();
  EXPECT_EQ(print::run_receipt_verify({"--public-key", pk, altered}, out, err), 1);
  // The same offline check through the shimingctl binary an office uses.
  std::string ctl_out;
  EXPECT_EQ(run_ctl({"receipt", "verify", "--public-key", pk, token}, "", ctl_out), 0) << ctl_out;
  EXPECT_EQ(run_ctl({"receipt", "verify", "--public-key", pk, altered}, "", ctl_out), 1) << ctl_out;
  // The other province's clerk cannot print it.
  EXPECT_EQ(api.call("GET", kWin + "/counter/cases/" + id + "/receipt?format=pdf", "", other_clerk).status, 404);
}

TEST_F(WindowBank, BankSubmitsGetsCallbacksThatSurviveADownReceiverAndIsIsolated) {
  auto host = start_host();
  Api api(host->port());
  std::string db = "sqlite:" + host->work_dir() + "/shiming.db";
  std::string id_number = make_id_number(rng_);
  std::string body = bank_body(id_number, "REF-1").dump();

  // Refusals: another province's key, stale timestamp, bad signature, replay, unknown branch, oversized body.
  auto other = bank_call(api, other_bank_, "POST", kBank, body);  // opbank-key signs for otherprov
  EXPECT_EQ(other.status, 403) << other.body;  // otherprov's bank has no branch WB001
  BankClient foreign{"wbprov", "opbank-key"};
  foreign.pk = other_bank_.pk;
  foreign.sk = other_bank_.sk;
  auto foreign_r = bank_call(api, foreign, "POST", kBank, body);
  EXPECT_EQ(foreign_r.status, 403);
  EXPECT_EQ(error_code(foreign_r), "BANK_UNKNOWN");
  EXPECT_EQ(error_code(bank_call(api, bank_, "POST", kBank, body, -600)), "TIMESTAMP_STALE");
  auto tampered = body;
  tampered[20] = tampered[20] == 'a' ? 'b' : 'a';
  auto tampered_headers = bank_.sign("POST", kBank, body);
  tampered_headers.emplace_back("Content-Type", "application/json");
  EXPECT_EQ(error_code(api.client.request("POST", kBank, tampered, tampered_headers)), "SIGNATURE_INVALID");
  EXPECT_EQ(error_code(bank_call(api, bank_, "POST", kBank, bank_body(id_number, "REF-X", "ZZ9").dump())), "BRANCH_UNKNOWN");
  {
    // An oversized body is refused from its Content-Length alone.
    http::testing::TestClient raw("127.0.0.1", host->port());
    raw.write_raw("POST " + kBank + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  "Content-Length: 104857600\r\n\r\n");
    auto big = raw.read_response();
    EXPECT_EQ(big.status, 413);
    EXPECT_EQ(error_code(big), "BODY_TOO_LARGE");
  }

  // Accepted while the receiver is down: the webhook waits in the outbox. The same signed
  // request again is a replay.
  auto headers = bank_.sign("POST", kBank, body);
  headers.emplace_back("Content-Type", "application/json");
  auto r = api.client.request("POST", kBank, body, headers);
  ASSERT_EQ(r.status, 202) << r.body;
  auto replay = api.client.request("POST", kBank, body, headers);
  EXPECT_EQ(replay.status, 401);
  EXPECT_EQ(error_code(replay), "NONCE_REPLAYED");
  std::string sub = r.json()["submission_id"], case_id = r.json()["case_id"];
  EXPECT_FALSE(r.json()["expected_completion"].get<std::string>().empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // a few failed attempts

  WebhookReceiver receiver(callback_port_);
  ASSERT_TRUE(receiver.start());
  auto wait_for = [&](const std::string& status) {
    for (int i = 0; i < 150; ++i) {
      for (const auto& w : receiver.received())
        if (Json::parse(w.body).value("status", "") == status) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  };
  ASSERT_TRUE(wait_for("pending_review")) << host->log_text();

  // Staff review; the bank hears "verified" and can poll it.
  std::string reviewer = staff_token(api, db, "reviewer", "wbprov");
  auto decided = api.json("POST", "/api/v1/review/" + case_id + "/decision", {{"decision", "approve"}}, reviewer);
  ASSERT_EQ(decided.status, 200) << decided.body;
  ASSERT_TRUE(wait_for("verified"));
  auto polled = bank_call(api, bank_, "GET", kBank + "/" + sub);
  ASSERT_EQ(polled.status, 200) << polled.body;
  EXPECT_EQ(polled.json()["status"], "verified");
  EXPECT_EQ(error_code(bank_call(api, other_bank_, "GET", kBank + "/" + sub)), "SUBMISSION_NOT_FOUND");

  // Every webhook is signed by the hub (Ed25519) over the documented string, in order.
  std::string hub_pk_b64 = api.call("GET", "/api/v1/channels/bank/public-key").json()["public_key"];
  std::string hub_pk(32, '\0');
  std::size_t len = 0;
  ASSERT_EQ(sodium_base642bin(reinterpret_cast<unsigned char*>(hub_pk.data()), 32, hub_pk_b64.data(), hub_pk_b64.size(),
                              nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL), 0);
  auto got = receiver.received();
  std::vector<std::string> statuses;
  for (const auto& w : got) {
    statuses.push_back(Json::parse(w.body)["status"]);
    std::string m = "POST\n" + w.path + "\nwbprov\n" + w.headers.at("x-shiming-timestamp") + "\n" +
                    w.headers.at("x-shiming-nonce") + "\n" + sha256_hex(w.body);
    std::string sig(64, '\0');
    std::string sig_b64 = w.headers.at("x-shiming-signature");
    ASSERT_EQ(sodium_base642bin(reinterpret_cast<unsigned char*>(sig.data()), 64, sig_b64.data(), sig_b64.size(),
                                nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL), 0);
    EXPECT_EQ(crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig.data()),
                                          reinterpret_cast<const unsigned char*>(m.data()), m.size(),
                                          reinterpret_cast<const unsigned char*>(hub_pk.data())), 0);
  }
  EXPECT_EQ(statuses, (std::vector<std::string>{"submitted", "pending_review", "verified"}));
}

TEST_F(WindowBank, QueuedWebhooksSurviveAHostCrash) {
  auto host = start_host();
  std::string data_dir = host->work_dir(), db = "sqlite:" + host->work_dir() + "/shiming.db";
  {
    Api api(host->port());
    auto r = bank_call(api, bank_, "POST", kBank, bank_body(make_id_number(rng_), "REF-CRASH").dump());
    ASSERT_EQ(r.status, 202) << r.body;
    std::this_thread::sleep_for(std::chrono::milliseconds(800));  // queued, first attempts fail
  }
  host->kill_hard();
  WebhookReceiver receiver(callback_port_);
  ASSERT_TRUE(receiver.start());
  auto restarted = start_host(db, data_dir);
  bool delivered = false;
  for (int i = 0; i < 150 && !delivered; ++i) {
    for (const auto& w : receiver.received())
      if (Json::parse(w.body).value("reference", "") == "REF-CRASH") delivered = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(delivered) << restarted->log_text();
}

// Mutual TLS where the rules ask: the TLS bank's signed request without a client certificate is
// refused; with its certificate (signed by the host's client CA) it is accepted.
TEST_F(WindowBank, MutualTlsBankNeedsItsClientCertificate) {
  std::string tls = root_ + "/tls";
  fs::create_directories(tls);
  std::string script =
      "cd " + tls + " && "
      "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=test-ca && "
      "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1 && "
      "printf 'subjectAltName=IP:127.0.0.1' > san.ext && "
      "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile san.ext && "
      "openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj /CN=tlsbank-branch && "
      "openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt -days 2";
  ASSERT_EQ(std::system((script + " >/dev/null 2>&1").c_str()), 0);
  std::ofstream(root_ + "/config/host.yaml", std::ios::app)
      << "tls:\n  cert_file: tls/server.crt\n  key_file: tls/server.key\n  client_ca_file: tls/ca.crt\n";
  auto host = start_host();
  std::string secret(40, 'q');
  auto signed_headers = [&](const std::string& body, int n) {
    std::string ts = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                        std::chrono::system_clock::now().time_since_epoch()).count());
    std::string nonce = "tls-nonce-" + std::to_string(n) + "-abcdefgh";
    std::string m = "POST\n" + kBank + "\nwbprov\n" + ts + "\n" + nonce + "\n" + sha256_hex(body);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(m.data()), m.size());
    crypto_auth_hmacsha256_final(&st, mac);
    return std::vector<std::pair<std::string, std::string>>{
        {"X-Shiming-Province", "wbprov"}, {"X-Shiming-Key-Id", "TLSBANK"}, {"X-Shiming-Timestamp", ts},
        {"X-Shiming-Nonce", nonce}, {"X-Shiming-Signature", b64(std::string(reinterpret_cast<char*>(mac), sizeof mac))},
        {"Content-Type", "application/json"}};
  };
  std::string body = bank_body(make_id_number(rng_), "TLS-1", "T01").dump();
  http::testing::ClientOptions no_cert;
  no_cert.tls = true;
  no_cert.ca_file = tls + "/ca.crt";
  http::testing::TestClient anonymous("127.0.0.1", host->port(), no_cert);
  auto refused = anonymous.request("POST", kBank, body, signed_headers(body, 1));
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(error_code(refused), "CLIENT_CERT_REQUIRED");
  http::testing::ClientOptions with_cert = no_cert;
  with_cert.client_cert_file = tls + "/client.crt";
  with_cert.client_key_file = tls + "/client.key";
  http::testing::TestClient bank_tls("127.0.0.1", host->port(), with_cert);
  auto accepted = bank_tls.request("POST", kBank, body, signed_headers(body, 2));
  EXPECT_EQ(accepted.status, 202) << accepted.body;
}

// Issue 6, bad input: a callback receiver that never answers. Each webhook POST times out
// (callback_timeout_seconds), the host keeps serving banks meanwhile, and nothing is lost: once
// a receiver answers, every status change of every submission arrives, in order.
TEST_F(WindowBank, ACallbackReceiverThatNeverAnswersLosesNothing) {
  WebhookReceiver receiver(callback_port_);
  receiver.set_silent(true);
  ASSERT_TRUE(receiver.start());
  auto host = start_host();
  Api api(host->port());
  auto first = bank_call(api, bank_, "POST", kBank, bank_body(make_id_number(rng_), "REF-SILENT-1").dump());
  ASSERT_EQ(first.status, 202) << first.body;
  std::string sub = first.json()["submission_id"];
  // Two attempts taken and left unanswered: the first timed out, the sender tried again.
  for (int i = 0; i < 300 && receiver.silently_held() < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_GE(receiver.silently_held(), 2) << host->log_text();
  // Meanwhile the bank is served: it polls, and a second submission is taken.
  auto polled = bank_call(api, bank_, "GET", kBank + "/" + sub);
  ASSERT_EQ(polled.status, 200) << polled.body;
  EXPECT_EQ(polled.json()["status"], "pending_review");
  auto second = bank_call(api, bank_, "POST", kBank, bank_body(make_id_number(rng_), "REF-SILENT-2").dump());
  ASSERT_EQ(second.status, 202) << second.body;

  receiver.set_silent(false);  // it answers from now on
  auto statuses_of = [&](const std::string& reference) {
    std::vector<std::string> out;
    for (const auto& w : receiver.received()) {
      auto j = Json::parse(w.body);
      if (j.value("reference", "") == reference) out.push_back(j.value("status", ""));
    }
    return out;
  };
  const std::vector<std::string> both = {"submitted", "pending_review"};
  for (int i = 0; i < 300 && (statuses_of("REF-SILENT-1") != both || statuses_of("REF-SILENT-2") != both); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(statuses_of("REF-SILENT-1"), both) << host->log_text();
  EXPECT_EQ(statuses_of("REF-SILENT-2"), both);
}

// Issue 6, bad input: wrong roles. The counter is the clerk's: no sign-in is 401, a reviewer, an
// admin of the province or a citizen's case token is 403; a clerk may not decide a review.
TEST_F(WindowBank, WrongRolesAreRefusedAtTheCounterAndInReview) {
  auto host = start_host();
  Api api(host->port());
  std::string db = "sqlite:" + host->work_dir() + "/shiming.db";
  std::string clerk = staff_token(api, db, "clerk", "wbprov");
  std::string reviewer = staff_token(api, db, "reviewer", "wbprov");
  Json identity = {{"name", "张三"}, {"id_number", make_id_number(rng_)}, {"sex", "M"}, {"phone", "13800000000"},
                   {"exam_session", "2026-11"}, {"channel", "window"}};
  auto opened = api.json("POST", "/api/v1/provinces/wbprov/cases", identity, clerk);
  ASSERT_EQ(opened.status, 201) << opened.body;
  std::string id = opened.json()["case_id"];
  EXPECT_EQ(error_code(api.json("POST", "/api/v1/provinces/wbprov/cases", identity, reviewer)), "FORBIDDEN");
  // A citizen with an online case of their own holds a case token, not a clerk's.
  identity["channel"] = "online";
  identity["id_number"] = make_id_number(rng_);
  auto own = api.json("POST", "/api/v1/provinces/wbprov/cases", identity);
  std::string citizen = own.status == 201 ? own.json().value("token", "") : "";

  struct Call {
    std::string method, path, body, type;
  };
  const std::vector<Call> counter = {
      {"POST", kWin + "/counter/lookup", R"({"id_number":"110105199003071234"})", "application/json"},
      {"GET", kWin + "/counter/cases/" + id, "", "application/json"},
      {"POST", kWin + "/counter/cases/" + id + "/originals", R"({"office_id":"wb-center","checked":["id_card"]})",
       "application/json"},
      {"PUT", kWin + "/counter/cases/" + id + "/face", make_photo(".jpg", 640, 480), "image/jpeg"},
      {"PUT", kWin + "/counter/cases/" + id + "/fingerprint", "not a template", "application/octet-stream"},
      {"GET", kWin + "/counter/cases/" + id + "/receipt?format=json", "", "application/json"},
      {"GET", kWin + "/provinces/wbprov/appointments?office_id=wb-center&date=" + tomorrow(), "", "application/json"},
  };
  for (const auto& c : counter) {
    auto anonymous = api.call(c.method, c.path, c.body, "", c.type);
    EXPECT_EQ(anonymous.status, 401) << c.method << " " << c.path << ": " << anonymous.body;
    EXPECT_EQ(error_code(anonymous), "UNAUTHENTICATED") << c.path;
    auto as_reviewer = api.call(c.method, c.path, c.body, reviewer, c.type);
    EXPECT_EQ(as_reviewer.status, 403) << c.method << " " << c.path << ": " << as_reviewer.body;
    EXPECT_EQ(error_code(as_reviewer), "FORBIDDEN") << c.path;
    if (!citizen.empty()) EXPECT_EQ(api.call(c.method, c.path, c.body, citizen, c.type).status, 403) << c.path;
  }
  ASSERT_FALSE(citizen.empty()) << own.body;
  // Nothing was recorded by the refused calls.
  auto state = api.call("GET", kWin + "/counter/cases/" + id, "", clerk);
  ASSERT_EQ(state.status, 200) << state.body;
  EXPECT_EQ(state.body.find("wb-center"), std::string::npos) << state.body;
  ASSERT_EQ(api.json("POST", kWin + "/counter/cases/" + id + "/originals",
                     {{"office_id", "wb-center"}, {"checked", {"id_card"}}}, clerk).status, 200);
  EXPECT_NE(api.call("GET", kWin + "/counter/cases/" + id, "", clerk).body.find("wb-center"), std::string::npos);
  // A clerk attests at the counter but does not decide reviews.
  auto decided = api.json("POST", "/api/v1/review/" + id + "/decision", {{"decision", "approve"}}, clerk);
  EXPECT_EQ(decided.status, 403) << decided.body;
}

}  // namespace
}  // namespace shiming::testing
