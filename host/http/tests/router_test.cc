#include "http/router.h"

#include <gtest/gtest.h>

namespace shiming::http {
namespace {

Handler named(std::string name) {
  return [name](sdk::HttpRequest&) { return sdk::HttpResponse::json(200, {{"handler", name}}); };
}

std::string call(const RouteMatch& m) {
  sdk::HttpRequest req;
  return nlohmann::json::parse((*m.handler)(req).body)["handler"];
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router.add("GET", "/healthz", named("health"));
    router.add("GET", "/api/v1/cases/{id}", named("case"));
    router.add("DELETE", "/api/v1/cases/{id}", named("case-delete"));
    router.add("GET", "/api/v1/cases/search", named("search"));
    router.add("PUT", "/api/v1/cases/{id}/documents/{kind}", named("doc"), RouteOptions{8 * 1024 * 1024});
    router.add("POST", "/api/v1/provinces/{p}/cases", named("create"));
  }
  Router router;
};

TEST_F(RouterTest, MatchesLiteralRoute) {
  auto m = router.match("GET", "/healthz");
  ASSERT_EQ(m.status, 200);
  EXPECT_EQ(call(m), "health");
  EXPECT_EQ(m.pattern, "/healthz");
  EXPECT_TRUE(m.params.empty());
}

TEST_F(RouterTest, ExtractsParamsAndOptions) {
  auto m = router.match("PUT", "/api/v1/cases/c123/documents/id-front");
  ASSERT_EQ(m.status, 200);
  EXPECT_EQ(call(m), "doc");
  EXPECT_EQ(m.params.at("id"), "c123");
  EXPECT_EQ(m.params.at("kind"), "id-front");
  EXPECT_EQ(m.options.max_body, 8u * 1024 * 1024);
  EXPECT_EQ(m.pattern, "/api/v1/cases/{id}/documents/{kind}");
  EXPECT_EQ(m.route_index, 4u);
}

TEST_F(RouterTest, LiteralSegmentBeatsParameter) {
  auto m = router.match("GET", "/api/v1/cases/search");
  ASSERT_EQ(m.status, 200);
  EXPECT_EQ(call(m), "search");
  auto other = router.match("GET", "/api/v1/cases/searching");
  ASSERT_EQ(other.status, 200);
  EXPECT_EQ(call(other), "case");
  // DELETE exists only on the parameter pattern: it still matches there.
  auto del = router.match("DELETE", "/api/v1/cases/search");
  ASSERT_EQ(del.status, 200);
  EXPECT_EQ(call(del), "case-delete");
}

TEST_F(RouterTest, PercentDecodesParams) {
  auto m = router.match("GET", "/api/v1/cases/%E5%BC%A0%20x");
  ASSERT_EQ(m.status, 200);
  EXPECT_EQ(m.params.at("id"), "张 x");
}

TEST_F(RouterTest, UnknownPathIs404) {
  auto m = router.match("GET", "/api/v1/nothing");
  EXPECT_EQ(m.status, 404);
  EXPECT_EQ(m.error.code, "NOT_FOUND");
  EXPECT_FALSE(m.error.message_zh.empty());
  EXPECT_EQ(router.match("GET", "/healthz/").status, 404);
  EXPECT_EQ(router.match("GET", "/api/v1/cases//documents/x").status, 404);
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  auto m = router.match("POST", "/api/v1/cases/c1");
  EXPECT_EQ(m.status, 405);
  EXPECT_EQ(m.error.code, "METHOD_NOT_ALLOWED");
  EXPECT_EQ(m.allow, "DELETE, GET, HEAD");
}

TEST_F(RouterTest, HeadFallsBackToGet) {
  auto m = router.match("HEAD", "/healthz");
  ASSERT_EQ(m.status, 200);
  EXPECT_EQ(call(m), "health");
}

TEST_F(RouterTest, TraversalAndForbiddenCharactersAre400) {
  for (const char* path : {"/api/v1/cases/..%2F..%2Fetc%2Fpasswd", "/api/v1/cases/../../etc/passwd",
                           "/api/v1/cases/%2e%2e", "/api/v1/cases/a%2Fb", "/api/v1/cases/a%5Cb",
                           "/api/v1/cases/a%00b", "/api/v1/cases/a..b", "/api/v1/cases/%FF%FE",
                           "/api/v1/cases/%C0%AF", "/api/v1/cases/%ED%A0%80", "/api/v1/cases/%zz",
                           "/api/v1/cases/%4", "/./healthz", "/healthz/..", "relative/path"}) {
    auto m = router.match("GET", path);
    EXPECT_EQ(m.status, 400) << path;
    EXPECT_EQ(m.error.code, "BAD_PATH") << path;
  }
  EXPECT_EQ(router.match("GET", "/api/v1/cases/a%2Fb").error.field, "id");
}

TEST_F(RouterTest, DuplicateRouteThrows) {
  EXPECT_THROW(router.add("GET", "/healthz", named("again")), std::invalid_argument);
  // Same shape with another parameter name is the same route.
  EXPECT_THROW(router.add("GET", "/api/v1/cases/{case_id}", named("again")), std::invalid_argument);
  EXPECT_NO_THROW(router.add("POST", "/healthz", named("post")));
}

TEST_F(RouterTest, MalformedPatternsThrow) {
  EXPECT_THROW(router.add("GET", "no-slash", named("x")), std::invalid_argument);
  EXPECT_THROW(router.add("get", "/x", named("x")), std::invalid_argument);
  EXPECT_THROW(router.add("GET", "/x/{}", named("x")), std::invalid_argument);
  EXPECT_THROW(router.add("GET", "/x/{a}/{a}", named("x")), std::invalid_argument);
  EXPECT_THROW(router.add("GET", "/x//y", named("x")), std::invalid_argument);
  EXPECT_THROW(router.add("GET", "/x/../y", named("x")), std::invalid_argument);
  EXPECT_THROW(router.add("GET", "/x", Handler{}), std::invalid_argument);
}

TEST_F(RouterTest, RoutesListsRegistrationOrder) {
  auto routes = router.routes();
  ASSERT_EQ(routes.size(), 6u);
  EXPECT_EQ(routes[0], (std::pair<std::string, std::string>{"GET", "/healthz"}));
  EXPECT_EQ(routes[5], (std::pair<std::string, std::string>{"POST", "/api/v1/provinces/{p}/cases"}));
}

TEST(RouterRoot, RootPathMatches) {
  Router r;
  r.add("GET", "/", named("root"));
  auto m = r.match("GET", "/");
  ASSERT_EQ(m.status, 200);
  EXPECT_EQ(call(m), "root");
}

}  // namespace
}  // namespace shiming::http
