// GET /api/v1/cases/{id} for citizens is answered from a view cached per case
// change stamp (host/app/case_view_cache.h). Every change a citizen can see
// must show on the next read, a token must still be checked on every read, and
// a token of one case never shows another.
#include <random>

#include <gtest/gtest.h>

#include "host_process.h"
#include "test_support.h"

namespace shiming::testing {
namespace {

using Json = nlohmann::json;

TEST(CaseView, EveryChangeShowsOnTheNextRead) {
  HostProcessOptions o;
  o.config_file = std::string(SHIMING_SOURCE_DIR) + "/tests/integration/config/host.yaml";
  o.extra_args = {"--workers", "0"};  // the submitted case stays 'submitted'
  HostProcess host(o);
  ASSERT_TRUE(host.start()) << host.log_text();
  Api api(host.port());
  std::mt19937 rng(std::random_device{}());
  auto open = [&] {
    auto r = api.json("POST", "/api/v1/provinces/testprov/cases",
                      {{"name", "张三丰"}, {"id_number", make_id_number(rng)}, {"sex", "M"},
                       {"phone", "13812345678"}, {"exam_session", "2026-11"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return std::make_pair(r.json()["case_id"].get<std::string>(), r.json()["token"].get<std::string>());
  };
  auto [id, token] = open();
  auto [other_id, other_token] = open();
  auto view = [&](const std::string& case_id, const std::string& t) { return api.call("GET", "/api/v1/cases/" + case_id, "", t); };

  for (int i = 0; i < 3; ++i) {  // read repeatedly: the later reads come from the cache
    auto r = view(id, token);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["documents"].size(), 0u);
    EXPECT_EQ(r.json()["candidate"]["name"], "张**");
  }
  const std::string small = make_photo(".jpg", 900, 600), large = make_photo(".jpg", 1400, 900);
  ASSERT_EQ(api.call("PUT", "/api/v1/cases/" + id + "/documents/id-front", small, token, "image/jpeg").status, 200);
  auto r = view(id, token);
  ASSERT_EQ(r.json()["documents"].size(), 1u);
  EXPECT_EQ(r.json()["documents"][0]["size"], small.size());
  // Replacing a document (same kind, same count) shows its new size.
  ASSERT_EQ(api.call("PUT", "/api/v1/cases/" + id + "/documents/id-front", large, token, "image/jpeg").status, 200);
  r = view(id, token);
  ASSERT_EQ(r.json()["documents"].size(), 1u);
  EXPECT_EQ(r.json()["documents"][0]["size"], large.size());
  ASSERT_EQ(api.call("PUT", "/api/v1/cases/" + id + "/documents/id-back", small, token, "image/jpeg").status, 200);
  EXPECT_EQ(view(id, token).json()["documents"].size(), 2u);
  // A status change.
  ASSERT_EQ(api.call("POST", "/api/v1/cases/" + id + "/submit", "", token).status, 202);
  r = view(id, token);
  EXPECT_EQ(r.json()["status"], "submitted");
  EXPECT_FALSE(r.json()["due_at"].is_null());

  // The token is checked on every read: another case's token, a forged one, none.
  EXPECT_EQ(error_code(view(id, other_token)), "CASE_NOT_FOUND");
  EXPECT_EQ(view(id, other_token).status, 404);
  EXPECT_EQ(view(id, "ct_" + std::string(43, 'A')).status, 401);
  EXPECT_EQ(view(id, "").status, 401);
  EXPECT_EQ(view(other_id, other_token).json()["id"], other_id);
}

// Two hosts on one SQLite file: a change made through the other host is not
// counted by this host's commit counter, so the view must notice it through
// PRAGMA data_version (polled every 50 ms) and show it soon after.
TEST(CaseView, AChangeThroughAnotherHostShows) {
  const std::string data = make_temp_dir("case_view_two");
  const std::string db = "sqlite:" + data + "/shiming.db";
  const std::string config = std::string(SHIMING_SOURCE_DIR) + "/tests/integration/config/host.yaml";
  auto one = make_host(config, db, {"--workers", "0", "--data-dir", data});
  ASSERT_TRUE(one->start()) << one->log_text();
  auto two = make_host(config, db, {"--workers", "0", "--data-dir", data});
  ASSERT_TRUE(two->start()) << two->log_text();
  Api a(one->port()), b(two->port());
  std::mt19937 rng(std::random_device{}());
  auto opened = a.json("POST", "/api/v1/provinces/testprov/cases",
                       {{"name", "李四"}, {"id_number", make_id_number(rng)}, {"sex", "M"},
                        {"phone", "13812345678"}, {"exam_session", "2026-11"}});
  ASSERT_EQ(opened.status, 201) << opened.body;
  const std::string id = opened.json()["case_id"], token = opened.json()["token"];
  auto documents = [&](Api& api) {
    auto r = api.call("GET", "/api/v1/cases/" + id, "", token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json()["documents"].size() : 99u;
  };
  for (int i = 0; i < 3; ++i) ASSERT_EQ(documents(a), 0u);  // cached on host one
  ASSERT_EQ(b.call("PUT", "/api/v1/cases/" + id + "/documents/id-front", make_photo(".jpg", 900, 600), token,
                   "image/jpeg").status,
            200);
  EXPECT_TRUE(eventually([&] { return documents(a) == 1u; }, std::chrono::seconds(2)));
  ASSERT_EQ(b.call("PUT", "/api/v1/cases/" + id + "/documents/id-back", make_photo(".jpg", 900, 600), token,
                   "image/jpeg").status,
            200);
  EXPECT_TRUE(eventually([&] { return documents(a) == 2u; }, std::chrono::seconds(2)));
  ASSERT_EQ(b.call("POST", "/api/v1/cases/" + id + "/submit", "", token).status, 202);
  EXPECT_TRUE(eventually([&] {
    return a.call("GET", "/api/v1/cases/" + id, "", token).json().value("status", "") == "submitted";
  }, std::chrono::seconds(2)));
}

}  // namespace
}  // namespace shiming::testing
