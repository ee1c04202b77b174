// The notifier's decisions that need no mail server: no address -> skipped,
// a closed port on loopback (a real refused connection) -> retry, bad settings
// refused at start. Real delivery is tested end to end against a real SMTP
// receiver in tests/integration/notify_flow_test.cc.
#include "smtp_notifier.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "shiming/sdk/testing/fakes.h"

namespace shiming::notifiers {
namespace {

// A loopback port nobody listens on (bound, then closed).
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

nlohmann::json config(const std::string& url) {
  return {{"url", url}, {"from", "noreply@ruankao.example"}, {"from_name", "软考办"}, {"username", ""},
          {"password", ""}, {"starttls", "off"}, {"verify_peer", true}, {"ca_file", ""},
          {"timeout_seconds", 5}, {"subject_language", "zh"}};
}

sdk::Notification sample(const std::string& email) {
  sdk::Notification n;
  n.id = "ob-7";
  n.email = email;
  n.subject_zh = "【北京市软考办】实名认证状态更新：已实名";
  n.subject_en = "[Beijing exam office] Identity verification: verified";
  n.body_zh = "张*，您好：";
  n.body_en = "Dear 张*,";
  return n;
}

TEST(SmtpNotifier, NoAddressIsSkipped) {
  sdk::testing::FakeHost host;
  auto cfg = config("smtp://127.0.0.1:" + std::to_string(closed_port()));
  SmtpNotifier n(sdk::PluginInit{cfg, host});
  auto r = n.send(sample(""));
  EXPECT_EQ(r.outcome, sdk::NotifyOutcome::skipped);
  EXPECT_EQ(r.code, "NO_EMAIL");
}

TEST(SmtpNotifier, ServerDownAsksForARetry) {
  sdk::testing::FakeHost host;
  auto cfg = config("smtp://127.0.0.1:" + std::to_string(closed_port()));
  SmtpNotifier n(sdk::PluginInit{cfg, host});
  auto r = n.send(sample("zhang.san@example.cn"));
  EXPECT_EQ(r.outcome, sdk::NotifyOutcome::retry);
  EXPECT_EQ(r.code, "SMTP_UNAVAILABLE");
}

TEST(SmtpNotifier, AddressWithLineBreakIsRefusedNotSent) {
  sdk::testing::FakeHost host;
  auto cfg = config("smtp://127.0.0.1:" + std::to_string(closed_port()));
  SmtpNotifier n(sdk::PluginInit{cfg, host});
  auto r = n.send(sample("a@b.cn\r\nBcc: x@y.cn"));
  EXPECT_EQ(r.outcome, sdk::NotifyOutcome::failed);
  EXPECT_EQ(r.code, "BAD_EMAIL");
}

TEST(SmtpNotifier, BadSettingsRefusedAtStart) {
  sdk::testing::FakeHost host;
  auto bad_url = config("http://127.0.0.1:25");
  EXPECT_THROW(SmtpNotifier(sdk::PluginInit{bad_url, host}), std::runtime_error);
  auto bad_from = config("smtp://127.0.0.1:25");
  bad_from["from"] = "not an address";
  EXPECT_THROW(SmtpNotifier(sdk::PluginInit{bad_from, host}), std::runtime_error);
}

TEST(SmtpNotifier, MessageHasTheZhSubjectAndBothLanguagesInTheBody) {
  sdk::testing::FakeHost host;
  auto cfg = config("smtp://127.0.0.1:25");
  SmtpNotifier n(sdk::PluginInit{cfg, host});
  std::string m = n.message(sample("zhang.san@example.cn"), "zhang.san@example.cn");
  EXPECT_NE(m.find("Subject: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(m.find("Message-ID: <ob-7@shiming>"), std::string::npos);
}

}  // namespace
}  // namespace shiming::notifiers
