#include "test_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "host_process.h"
#include "storage/database.h"

namespace shiming::testing {

std::string make_id_number(std::mt19937& rng, const std::string& region, const std::string& birth, char sex) {
  std::uniform_int_distribution<int> d(0, 9);
  std::string s = region + birth;
  s += char('0' + d(rng));
  s += char('0' + d(rng));
  int last = d(rng);
  if ((last % 2 == 1) != (sex == 'M')) last = (last + 1) % 10;
  s += char('0' + last);
  static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static const char c[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (s[i] - '0') * w[i];
  s += c[sum % 11];
  return s;
}

std::string make_photo(const std::string& ext, int width, int height) {
  cv::Mat m(height, width, CV_8UC3, cv::Scalar(235, 230, 225));
  cv::rectangle(m, {width / 10, height / 10}, {width * 9 / 10, height * 9 / 10}, {120, 140, 160}, 4);
  cv::putText(m, "RESIDENT IDENTITY CARD", {width / 8, height / 3}, cv::FONT_HERSHEY_SIMPLEX, 1.5, {30, 30, 30}, 3);
  std::vector<unsigned char> out;
  cv::imencode(ext, m, out);
  return {out.begin(), out.end()};
}

http::testing::ClientResponse Api::call(const std::string& method, const std::string& target,
                                        const std::string& body, const std::string& token,
                                        const std::string& content_type) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!body.empty() || method == "POST" || method == "PUT") headers.emplace_back("Content-Type", content_type);
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  return client.request(method, target, body, headers);
}

std::string error_code(const http::testing::ClientResponse& r) {
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_discarded() || !j.contains("error")) return "";
  return j["error"].value("code", "");
}

int run_ctl(const std::vector<std::string>& args, const std::string& stdin_text, std::string& out) {
  std::vector<std::string> argv = {std::string(SHIMING_BINARY_DIR) + "/host/app/shimingctl"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv, out, stdin_text);
}

int run_program(const std::vector<std::string>& command, std::string& out, const std::string& stdin_text) {
  int in_pipe[2], out_pipe[2];
  if (pipe(in_pipe) != 0 || pipe(out_pipe) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(out_pipe[1], 2);
    close(in_pipe[1]);
    close(out_pipe[0]);
    std::vector<std::string> all = command;
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  if (!stdin_text.empty()) (void)!write(in_pipe[1], stdin_text.data(), stdin_text.size());
  close(in_pipe[1]);
  out.clear();
  std::array<char, 4096> buf;
  ssize_t n;
  while ((n = read(out_pipe[0], buf.data(), buf.size())) > 0) out.append(buf.data(), static_cast<size_t>(n));
  close(out_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool eventually(const std::function<bool()>& ok, std::chrono::milliseconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (ok()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return ok();
}

std::unique_ptr<HostProcess> make_host(const std::string& config, const std::string& database,
                                       std::vector<std::string> extra_args) {
  HostProcessOptions o;
  o.config_file = config;
  o.database_url = database;
  o.extra_args = std::move(extra_args);
  return std::make_unique<HostProcess>(o);
}

std::string add_staff(const std::string& config, const std::string& database, const std::string& province,
                      const std::string& role, std::mt19937& rng, std::string* output) {
  std::string name = role + "_" + std::to_string(rng());
  std::string out;
  std::vector<std::string> args = {"--config", config};
  if (!database.empty()) args.insert(args.end(), {"--database", database});
  args.insert(args.end(), {"user", "add", name, "--province", province, "--role", role});
  int rc = run_ctl(args, std::string(kStaffPassword) + "\n", out);
  if (output) *output = out;
  return rc == 0 ? name : "";
}

std::string login(Api& api, const std::string& name) {
  auto r = api.json("POST", "/api/v1/auth/login", {{"username", name}, {"password", kStaffPassword}});
  if (r.status != 200) return "";
  return r.json().value("token", "");
}

std::string pdf_qr_text(const std::string& pdf, const std::string& work_dir) {
  std::string file = work_dir + "/qr_page.pdf", png = work_dir + "/qr_page";
  {
    std::ofstream out(file, std::ios::binary);
    out << pdf;
  }
  // A4 at 300 dpi is 2480 x 3508; the QR code sits in the top right corner.
  std::string cmd = "pdftoppm -r 300 -png -singlefile -x 1240 -y 0 -W 1240 -H 1200 '" + file + "' '" + png + "'";
  if (std::system(cmd.c_str()) != 0) return "";
  std::string out;
  if (run_program({"zbarimg", "--raw", "-q", png + ".png"}, out) != 0) return "";
  // zbarimg may complain on stderr (no D-Bus in a container) before the decoded text: the last line.
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  auto nl = out.rfind('\n');
  return nl == std::string::npos ? out : out.substr(nl + 1);
}

std::string mysql_test_url() {
  static const std::string url = [] {
    const char* shared = std::getenv("SHIMING_TEST_MYSQL_URL");
    if (!shared || !*shared) return std::string();
    const std::string base(shared);
    const std::string name = "shiming_t" + std::to_string(::getpid());
    auto db = storage::Database::open(base, 1);
    if (!db.ok()) throw std::runtime_error("mysql_test_url: " + db.error().message);
    auto session = (*db)->session();
    *session << "CREATE DATABASE IF NOT EXISTS " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
    return base.substr(0, base.rfind('/') + 1) + name;
  }();
  return url;
}

}  // namespace shiming::testing
