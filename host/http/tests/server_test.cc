#include <atomic>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "http/server.h"
#include "test_client.h"
#include "test_server.h"

namespace shiming::http {
namespace {

using namespace std::chrono_literals;
using testing::ClientResponse;
using testing::RunningServer;
using testing::TestClient;

nlohmann::json error_of(const ClientResponse& r) { return r.json().at("error"); }

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router.add("GET", "/hello", [](sdk::HttpRequest&) {
      return sdk::HttpResponse::json(200, {{"hello", "world"}});
    });
    router.add("GET", "/api/v1/cases/{id}", [](sdk::HttpRequest& r) {
      return sdk::HttpResponse::json(200, {{"id", r.params.at("id")}, {"query", r.query},
                                           {"request_id", r.request_id}, {"path", r.path}});
    });
    router.add("PUT", "/api/v1/cases/{id}/documents/{kind}", [](sdk::HttpRequest& r) {
      return sdk::HttpResponse::json(200, {{"bytes", r.body.size()}});
    }, RouteOptions{1024});
    router.add("POST", "/echo", [](sdk::HttpRequest& r) {
      sdk::HttpResponse res;
      res.content_type = "text/plain";
      res.body = r.body;
      return res;
    });
    router.add("GET", "/throw", [](sdk::HttpRequest&) -> sdk::HttpResponse {
      throw std::runtime_error("secret detail 110105194912310021");
    });
    router.add("GET", "/cached", [](sdk::HttpRequest&) {
      auto res = sdk::HttpResponse::json(200, {{"ok", true}});
      res.headers.emplace_back("Cache-Control", "max-age=60");
      return res;
    });
    router.add("GET", "/bad-header", [](sdk::HttpRequest&) {
      auto res = sdk::HttpResponse::json(200, {{"ok", true}});
      res.headers.emplace_back("X-Evil", "a\r\nSet-Cookie: x=1");
      return res;
    });
    router.add("GET", "/bad-status", [](sdk::HttpRequest&) {
      auto res = sdk::HttpResponse::json(200, {{"ok", true}});
      res.status = 1000;
      return res;
    });
    router.add("GET", "/slow", [this](sdk::HttpRequest&) {
      slow_started.set_value();
      release_slow.get_future().wait();
      return sdk::HttpResponse::json(200, {{"slow", "done"}});
    });
    router.add("PUT", "/upload", [](sdk::HttpRequest& r) {
      std::size_t sum = 0;
      for (unsigned char c : r.body) sum += c;
      return sdk::HttpResponse::json(200, {{"bytes", r.body.size()}, {"sum", sum}});
    }, RouteOptions{8 * 1024 * 1024});
    router.add("GET", "/metrics", [this](sdk::HttpRequest&) {
      sdk::HttpResponse res;
      res.content_type = std::string(Metrics::kContentType);
      res.body = metrics.render();
      return res;
    });
  }

  RunningServer& serve(ServerOptions options = {}) {
    running = std::make_unique<RunningServer>(router, metrics, std::move(options));
    return *running;
  }
  TestClient client() { return TestClient("127.0.0.1", running->port()); }

  Router router;
  Metrics metrics;
  std::promise<void> slow_started;
  std::promise<void> release_slow;
  std::unique_ptr<RunningServer> running;
};

TEST_F(ServerTest, GetJsonWithRequestIdAndNoStore) {
  serve();
  auto c = client();
  auto r = c.request("GET", "/hello");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["hello"], "world");
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  EXPECT_EQ(r.header("Cache-Control"), "no-store");
  EXPECT_EQ(r.header("X-Request-Id").size(), 32u);
  EXPECT_FALSE(r.header("Date").empty());
  auto again = c.request("GET", "/hello");
  EXPECT_NE(again.header("X-Request-Id"), r.header("X-Request-Id"));
}

TEST_F(ServerTest, SaneIncomingRequestIdIsKeptAndPassedToHandler) {
  serve();
  auto c = client();
  auto r = c.request("GET", "/api/v1/cases/c1", {}, {{"X-Request-Id", "lb-abc.123_x:9"}});
  EXPECT_EQ(r.header("X-Request-Id"), "lb-abc.123_x:9");
  EXPECT_EQ(r.json()["request_id"], "lb-abc.123_x:9");
  auto insane = c.request("GET", "/api/v1/cases/c1", {}, {{"X-Request-Id", "has space<script>"}});
  EXPECT_NE(insane.header("X-Request-Id"), "has space<script>");
  EXPECT_EQ(insane.header("X-Request-Id").size(), 32u);
  EXPECT_EQ(insane.json()["request_id"], insane.header("X-Request-Id"));
}

TEST_F(ServerTest, PathParamsAndQueryAreDecoded) {
  serve();
  auto c = client();
  auto r = c.request("GET", "/api/v1/cases/c%201?token=a%2Bb&name=%E5%BC%A0+%E4%B8%89");
  ASSERT_EQ(r.status, 200);
  auto j = r.json();
  EXPECT_EQ(j["id"], "c 1");
  EXPECT_EQ(j["query"]["token"], "a+b");
  EXPECT_EQ(j["query"]["name"], "张 三");
  EXPECT_EQ(j["path"], "/api/v1/cases/c%201");
}

TEST_F(ServerTest, NotFoundAndMethodNotAllowedEnvelopes) {
  serve();
  auto c = client();
  auto nf = c.request("GET", "/nope");
  EXPECT_EQ(nf.status, 404);
  EXPECT_EQ(error_of(nf)["code"], "NOT_FOUND");
  EXPECT_FALSE(error_of(nf)["message_zh"].get<std::string>().empty());
  EXPECT_FALSE(nf.header("X-Request-Id").empty());
  auto na = c.request("DELETE", "/hello");
  EXPECT_EQ(na.status, 405);
  EXPECT_EQ(error_of(na)["code"], "METHOD_NOT_ALLOWED");
  EXPECT_EQ(na.header("Allow"), "GET, HEAD");
  EXPECT_TRUE(c.is_connected());  // errors without a pending body keep the connection
}

TEST_F(ServerTest, TraversalInPathIs400) {
  serve();
  auto c = client();
  for (const char* target : {"/api/v1/cases/..%2F..%2Fetc%2Fpasswd", "/api/v1/cases/../../etc/passwd",
                             "/api/v1/cases/%2e%2e", "/api/v1/cases/a%00b", "/api/v1/cases/%FF"}) {
    auto r = c.request("GET", target);
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_EQ(error_of(r)["code"], "BAD_PATH") << target;
  }
}

TEST_F(ServerTest, AbsoluteFormTargetIsAccepted) {
  serve();
  auto c = client();
  auto r = c.request("GET", "http://127.0.0.1/api/v1/cases/abs?x=1");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["id"], "abs");
  EXPECT_EQ(r.json()["query"]["x"], "1");
  EXPECT_EQ(c.request("GET", "HTTP://h:80/hello").status, 200);
  EXPECT_EQ(c.request("GET", "ftp://h/hello").status, 400);
}

TEST_F(ServerTest, InvalidUtf8InQueryIs400) {
  serve();
  auto c = client();
  auto r = c.request("GET", "/api/v1/cases/c1?name=%C0%AF");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_of(r)["code"], "BAD_QUERY");
}

TEST_F(ServerTest, BodyLimitIsPerRoute) {
  serve();
  auto c = client();
  std::string body(2000, 'x');
  auto small = c.request("PUT", "/api/v1/cases/c1/documents/id-front", std::string(1000, 'x'));
  EXPECT_EQ(small.status, 200);
  EXPECT_EQ(small.json()["bytes"], 1000);
  auto big = c.request("PUT", "/api/v1/cases/c1/documents/id-front", body);
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(error_of(big)["code"], "BODY_TOO_LARGE");
  auto c2 = client();
  auto echo = c2.request("POST", "/echo", body);  // default 64 KiB limit
  EXPECT_EQ(echo.status, 200);
  EXPECT_EQ(echo.body, body);
}

TEST_F(ServerTest, ContentLengthIsCheckedBeforeTheBodyIsRead) {
  serve();
  auto c = client();
  // Announce 100 MB and send none of it: the answer must come from the header alone.
  c.write_raw("PUT /api/v1/cases/c1/documents/id-front HTTP/1.1\r\nHost: x\r\n"
              "Content-Type: image/jpeg\r\nContent-Length: 104857600\r\n\r\n");
  auto r = c.read_response();
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(error_of(r)["code"], "BODY_TOO_LARGE");
  EXPECT_FALSE(r.keep_alive);
}

TEST_F(ServerTest, ChunkedBodyOverTheLimitIs413) {
  serve();
  auto c = client();
  std::string chunk(800, 'a');
  c.write_raw("PUT /api/v1/cases/c1/documents/id-front HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
              "320\r\n" + chunk + "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n");
  auto r = c.read_response();
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(error_of(r)["code"], "BODY_TOO_LARGE");
}

TEST_F(ServerTest, HeadersOverTheLimitAre431) {
  ServerOptions o;
  o.header_limit = 4 * 1024;
  serve(o);
  auto c = client();
  auto r = c.request("GET", "/hello", {}, {{"X-Big", std::string(6000, 'b')}});
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(error_of(r)["code"], "HEADERS_TOO_LARGE");
  auto ok = client().request("GET", "/hello", {}, {{"X-Small", std::string(1000, 'b')}});
  EXPECT_EQ(ok.status, 200);
}

TEST_F(ServerTest, MalformedRequestIs400Envelope) {
  serve();
  auto c = client();
  c.write_raw("GET /hello HTTP/1.1\r\nHost x\r\n\r\n");  // header line without a colon
  auto r = c.read_response();
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_of(r)["code"], "BAD_REQUEST");
  EXPECT_TRUE(c.wait_closed(5s));
}

TEST_F(ServerTest, AmbiguousBodyFramingIsRefused) {
  serve();
  for (const char* head : {"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
                           "Content-Length: 5\r\nContent-Length: 6\r\n",
                           "Content-Length: -1\r\n", "Transfer-Encoding: gzip\r\n"}) {
    auto c = client();
    c.write_raw(std::string("POST /echo HTTP/1.1\r\nHost: x\r\n") + head + "\r\nhello0\r\n\r\n");
    auto r = c.read_response();
    EXPECT_EQ(r.status, 400) << head;
    EXPECT_EQ(error_of(r)["code"], "BAD_REQUEST") << head;
    EXPECT_FALSE(r.keep_alive) << head;
  }
}

TEST_F(ServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  serve();
  auto c = client();
  for (int i = 0; i < 5; ++i) {
    auto r = c.request("GET", "/api/v1/cases/k" + std::to_string(i));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.json()["id"], "k" + std::to_string(i));
    EXPECT_TRUE(r.keep_alive);
    EXPECT_TRUE(c.is_connected());
  }
  EXPECT_NE(metrics.render().find("shiming_http_connections_open 1\n"), std::string::npos);
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  serve();
  auto c = client();
  std::string batch;
  for (int i = 1; i <= 4; ++i)
    batch += "GET /api/v1/cases/p" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n";
  batch += "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
  batch += "GET /api/v1/cases/p5 HTTP/1.1\r\nHost: x\r\n\r\n";
  c.write_raw(batch);
  for (int i = 1; i <= 4; ++i) EXPECT_EQ(c.read_response().json()["id"], "p" + std::to_string(i));
  EXPECT_EQ(c.read_response().body, "hello");
  EXPECT_EQ(c.read_response().json()["id"], "p5");
}

TEST_F(ServerTest, HandlerExceptionBecomes500WithoutLeakingText) {
  serve();
  auto c = client();
  auto r = c.request("GET", "/throw");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(error_of(r)["code"], "INTERNAL");
  EXPECT_EQ(r.body.find("secret"), std::string::npos);
  EXPECT_EQ(r.body.find("110105"), std::string::npos);
  EXPECT_EQ(c.request("GET", "/hello").status, 200);  // the connection and server live on
}

TEST_F(ServerTest, HandlerCacheControlAndBadOutputs) {
  serve();
  auto c = client();
  EXPECT_EQ(c.request("GET", "/cached").header("Cache-Control"), "max-age=60");
  auto evil = c.request("GET", "/bad-header");
  EXPECT_EQ(evil.status, 200);
  EXPECT_EQ(evil.header("X-Evil"), "");
  EXPECT_EQ(evil.header("Set-Cookie"), "");
  auto bad = c.request("GET", "/bad-status");
  EXPECT_EQ(bad.status, 500);
  EXPECT_EQ(error_of(bad)["code"], "INTERNAL");
}

TEST_F(ServerTest, HeadHasLengthButNoBody) {
  serve();
  auto c = client();
  auto get = c.request("GET", "/hello");
  auto head = c.request("HEAD", "/hello");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.header("Content-Length"), std::to_string(get.body.size()));
  EXPECT_EQ(c.request("GET", "/hello").status, 200);  // framing intact afterwards
}

TEST_F(ServerTest, ExpectContinueGetsInterimResponse) {
  serve();
  auto c = client();
  c.write_raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  auto interim = c.read_response(true);
  EXPECT_EQ(interim.status, 100);
  c.write_raw("ping");
  auto r = c.read_response();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ping");
}

TEST_F(ServerTest, SilentConnectionIsClosedByReadTimeout) {
  ServerOptions o;
  o.read_timeout_ms = 300ms;
  o.idle_timeout_ms = 300ms;
  serve(o);
  auto idle = client();
  idle.connect();
  auto partial = client();
  partial.write_raw("GET /hello HTTP/1.1\r\nHost: x\r\n");  // never finishes the header
  EXPECT_TRUE(idle.wait_closed(5s));
  EXPECT_TRUE(partial.wait_closed(5s));
}

TEST_F(ServerTest, ClientThatDoesNotReadIsCutOffByWriteTimeout) {
  router.add("GET", "/huge", [](sdk::HttpRequest&) {
    sdk::HttpResponse r;
    r.content_type = "application/octet-stream";
    r.body.assign(48 * 1024 * 1024, 'h');  // far more than the socket buffers hold
    return r;
  });
  ServerOptions o;
  o.write_timeout_ms = std::chrono::milliseconds(300);
  serve(o);
  auto c = client();
  c.write_raw("GET /huge HTTP/1.1\r\nHost: x\r\n\r\n");  // and never read
  auto eventually = [this](const std::string& text) {
    for (int i = 0; i < 500; ++i) {
      if (metrics.render().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  };
  ASSERT_TRUE(eventually("shiming_http_connections_open 1\n"));  // the response is being written
  EXPECT_TRUE(eventually("shiming_http_connections_open 0\n"));  // and then the connection is dropped
}

TEST_F(ServerTest, SlowlorisIsDisconnected) {
  ServerOptions o;
  o.read_timeout_ms = 500ms;
  serve(o);
  auto c = client();
  c.write_raw("GET /hello HTTP/1.1\r\n");
  bool closed = false;
  // One header byte every 100 ms would take ~10 s to send the header.
  std::string header = "X-Dribble: " + std::string(100, 'd') + "\r\n\r\n";
  for (std::size_t i = 0; i < header.size() && !closed; ++i) {
    try {
      c.write_raw(header.substr(i, 1));
    } catch (const std::runtime_error&) {
      closed = true;  // write after the server closed
      break;
    }
    closed = c.wait_closed(100ms);
  }
  EXPECT_TRUE(closed);
}

// A handler runs on a handler thread, so a slow one does not hold up its I/O
// thread: with one I/O thread and one handler thread busy with /slow, a quick
// route (run on the I/O thread) is still answered.
TEST_F(ServerTest, SlowHandlerDoesNotHoldUpTheIoThread) {
  RouteOptions quick;
  quick.quick = true;
  router.add("GET", "/quick", [](sdk::HttpRequest&) { return sdk::HttpResponse::json(200, {{"quick", true}}); },
             quick);
  ServerOptions o;
  o.io_threads = 1;
  o.handler_threads = 1;
  const unsigned short port = serve(o).port();
  auto slow_result = std::async(std::launch::async, [port] {
    TestClient c("127.0.0.1", port);
    return c.request("GET", "/slow").status;
  });
  ASSERT_EQ(slow_started.get_future().wait_for(10s), std::future_status::ready);
  auto quick_result = std::async(std::launch::async, [port] {
    TestClient c("127.0.0.1", port);
    return c.request("GET", "/quick").status;
  });
  const bool answered = quick_result.wait_for(10s) == std::future_status::ready;
  release_slow.set_value();
  EXPECT_TRUE(answered) << "a quick request waited for a slow handler";
  EXPECT_EQ(quick_result.get(), 200);
  EXPECT_EQ(slow_result.get(), 200);
}

TEST_F(ServerTest, GracefulStopFinishesInFlightAndRefusesNew) {
  auto& rs = serve();
  const unsigned short port = rs.port();
  auto idle = client();
  ASSERT_EQ(idle.request("GET", "/hello").status, 200);  // kept alive, then idle
  auto half = client();
  half.write_raw("GET /hello HTTP/1.1\r\n");  // a request still arriving

  auto slow_result = std::async(std::launch::async, [port] {
    TestClient c("127.0.0.1", port);
    return c.request("GET", "/slow");
  });
  ASSERT_EQ(slow_started.get_future().wait_for(10s), std::future_status::ready);

  std::thread stopper([&rs] { rs.stop_and_join(); });
  // New connections are refused once the listener is closed.
  bool refused = false;
  for (int i = 0; i < 200 && !refused; ++i) {
    try {
      TestClient probe("127.0.0.1", port);
      probe.connect();
      std::this_thread::sleep_for(10ms);
    } catch (const std::runtime_error&) {
      refused = true;
    }
  }
  EXPECT_TRUE(refused);
  EXPECT_TRUE(idle.wait_closed(5s));  // idle keep-alive connections are closed
  half.write_raw("Host: x\r\n\r\n");
  auto late = half.read_response();
  EXPECT_EQ(late.status, 503);
  EXPECT_EQ(error_of(late)["code"], "SHUTTING_DOWN");
  EXPECT_FALSE(late.keep_alive);

  release_slow.set_value();
  auto r = slow_result.get();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["slow"], "done");
  EXPECT_FALSE(r.keep_alive);
  stopper.join();  // run() returned
}

TEST_F(ServerTest, StartFailsClearlyWhenPortIsTaken) {
  auto& rs = serve();
  ServerOptions o;
  o.port = rs.port();
  Server second(o, router, metrics);
  auto status = second.start();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "BIND_FAILED");
  EXPECT_NE(status.error().message.find(std::to_string(rs.port())), std::string::npos);
  EXPECT_FALSE(status.error().message_zh.empty());

  ServerOptions bad;
  bad.address = "not-an-address";
  Server third(bad, router, metrics);
  EXPECT_EQ(third.start().error().code, "BIND_FAILED");
}

TEST_F(ServerTest, MetricsCountRequestsByRouteAndStatus) {
  serve();
  auto c = client();
  for (int i = 0; i < 3; ++i) c.request("GET", "/hello");
  c.request("GET", "/api/v1/cases/x1");
  c.request("GET", "/nope");
  c.request("GET", "/throw");
  auto r = c.request("GET", "/metrics");
  EXPECT_EQ(r.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = r.body;
  EXPECT_NE(text.find("shiming_http_requests_total{method=\"GET\",route=\"/hello\",status=\"200\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("shiming_http_requests_total{method=\"GET\",route=\"/api/v1/cases/{id}\",status=\"200\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("shiming_http_requests_total{method=\"\",route=\"unmatched\",status=\"404\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("shiming_http_requests_total{method=\"GET\",route=\"/throw\",status=\"500\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("shiming_http_request_duration_seconds_count{method=\"GET\",route=\"/hello\"} 3\n"), std::string::npos);
}

TEST_F(ServerTest, LargeUploadArrivesWhole) {
  serve();
  std::string body(5 * 1024 * 1024 + 7, '\0');
  std::size_t sum = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    body[i] = static_cast<char>(i * 31 % 251);
    sum += static_cast<unsigned char>(body[i]);
  }
  auto c = client();
  auto r = c.request("PUT", "/upload", body);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["bytes"], body.size());
  EXPECT_EQ(r.json()["sum"], sum);
  EXPECT_EQ(c.request("GET", "/hello").status, 200);
}

TEST_F(ServerTest, ConcurrentClientsOnSeveralIoThreads) {
  ServerOptions o;
  o.io_threads = 3;
  serve(o);
  const unsigned short port = running->port();
  constexpr int kClients = 8, kRequests = 150;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&, t] {
      TestClient c("127.0.0.1", port);
      for (int i = 0; i < kRequests; ++i) {
        if (i % 50 == 49) c.close();  // some fresh connections too
        const std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        auto r = c.request("GET", "/api/v1/cases/" + id);
        if (r.status == 200 && r.json()["id"] == id) ok++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kClients * kRequests);
  EXPECT_EQ(metrics.route("GET", "/api/v1/cases/{id}").count(200), static_cast<std::uint64_t>(kClients * kRequests));
}

TEST(ServerSignals, SigtermStopsRun) {
  Router router;
  router.add("GET", "/hello", [](sdk::HttpRequest&) { return sdk::HttpResponse::json(200, {}); });
  Metrics metrics;
  ServerOptions o;
  o.port = 0;
  Server server(o, router, metrics);
  ASSERT_TRUE(server.start().ok());
  std::atomic<int> reloads{0};
  server.on_signals([&reloads] { reloads++; });
  std::thread t([&server] { server.run(); });
  TestClient c("127.0.0.1", server.port());
  EXPECT_EQ(c.request("GET", "/hello").status, 200);
  ::raise(SIGHUP);
  for (int i = 0; i < 500 && reloads.load() == 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(reloads.load(), 1);
  c.close();
  ::raise(SIGTERM);
  t.join();  // returns only because SIGTERM stopped the server
}

}  // namespace
}  // namespace shiming::http
