#include "test_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "host_process.h"

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
  std::string binary = std::string(SHIMING_BINARY_DIR) + "/host/app/shimingctl";
  int in_pipe[2], out_pipe[2];
  if (pipe(in_pipe) != 0 || pipe(out_pipe) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(out_pipe[1], 2);
    close(in_pipe[1]);
    close(out_pipe[0]);
    std::vector<std::string> all = {binary};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
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

}  // namespace shiming::testing
