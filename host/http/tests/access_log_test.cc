#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "common/log.h"
#include "http/server.h"
#include "test_client.h"
#include "test_server.h"

namespace shiming::http {
namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The access log names the route pattern, never the raw path, query or body,
// and a request id shaped like an ID number is masked.
TEST(AccessLog, LogsPatternNotPathQueryOrBody) {
  const auto file = std::filesystem::temp_directory_path() / ("shiming-http-access-" + std::to_string(::getpid()) + ".log");
  LogOptions lo;
  lo.file = file.string();
  init_logging(lo);
  {
    Router router;
    router.add("POST", "/api/v1/cases/{id}/submit", [](sdk::HttpRequest&) {
      return sdk::HttpResponse::json(202, {{"ok", true}});
    });
    Metrics metrics;
    testing::RunningServer rs(router, metrics);
    testing::TestClient c("127.0.0.1", rs.port());
    auto r = c.request("POST", "/api/v1/cases/case-77/submit?token=querysecret", "bodysecret",
                       {{"X-Request-Id", "110105194912310021"}});
    ASSERT_EQ(r.status, 202);
  }
  init_logging(LogOptions{});  // back to stderr; flushes and closes the file sink
  const std::string log = read_file(file);
  std::filesystem::remove(file);
  EXPECT_NE(log.find("\"route\":\"/api/v1/cases/{id}/submit\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"status\":202"), std::string::npos) << log;
  EXPECT_NE(log.find("\"method\":\"POST\""), std::string::npos) << log;
  EXPECT_NE(log.find("duration_ms"), std::string::npos) << log;
  EXPECT_NE(log.find("110105********0021"), std::string::npos) << log;
  EXPECT_EQ(log.find("110105194912310021"), std::string::npos) << log;
  EXPECT_EQ(log.find("case-77"), std::string::npos) << log;
  EXPECT_EQ(log.find("querysecret"), std::string::npos) << log;
  EXPECT_EQ(log.find("bodysecret"), std::string::npos) << log;
}

}  // namespace
}  // namespace shiming::http
