// The real libauthority.so against the real simulator over mutual TLS on loopback.
#include <gtest/gtest.h>

#include "testing/sim_test_env.h"

#ifdef SHIMING_SIM_WITH_FACE
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#endif

namespace shiming::authority_sim::testing {
namespace {

using sdk::Outcome;

class PluginAgainstSim : public ::testing::Test {
 protected:
  sdk::Finding verify(std::unique_ptr<sdk::testing::FakeVerificationContext> ctx) {
    auto f = plugin.verifier->verify(*ctx);
    for (const auto& [level, line] : ctx->logger_.lines) log_lines.push_back(line);
    contexts.push_back(std::move(ctx));
    return f;
  }
  sdk::Finding check(const std::string& name, const std::string& id, const std::string& photo = "") {
    return verify(make_case(env.params(), name, id, photo));
  }

  void TearDown() override {
    // No full ID number and no clear name in any log line.
    for (const auto& line : log_lines) {
      for (const char* id : {kZhangId, kLiId, kWangId, kUnknownId})
        EXPECT_EQ(line.find(id), std::string::npos) << line;
      for (const char* name : {kZhangName, kLiName, kWangName})
        EXPECT_EQ(line.find(name), std::string::npos) << line;
    }
    for (const auto& [level, line] : plugin.host.captured().lines)
      EXPECT_EQ(line.find(kZhangId), std::string::npos) << line;
  }

  SimEnv env;
  LoadedPlugin plugin;
  std::vector<std::unique_ptr<sdk::testing::FakeVerificationContext>> contexts;
  std::vector<std::string> log_lines;
};

TEST_F(PluginAgainstSim, MatchWithoutPhoto) {
  auto f = check(kLiName, kLiId);
  EXPECT_EQ(f.outcome, Outcome::pass) << codes(f) << f.details.dump();
  EXPECT_EQ(f.details["answer"], "match");
  EXPECT_EQ(f.details["attempts"], 1);
  EXPECT_EQ(f.details["photo_sent"], false);
  EXPECT_EQ(env.sim->stats().answers[0].load(), 1u);
  EXPECT_FALSE(log_lines.empty());
  bool masked = false;
  for (const auto& l : log_lines) masked = masked || l.find("440305********0048") != std::string::npos;
  EXPECT_TRUE(masked);
}

TEST_F(PluginAgainstSim, MatchWithTheRegisteredPortrait) {
  auto f = check(kZhangName, kZhangId, env.portrait_file);
  EXPECT_EQ(f.outcome, Outcome::pass) << codes(f);
  EXPECT_EQ(f.details["photo_sent"], true);
  EXPECT_DOUBLE_EQ(f.details["similarity"].get<double>(), 1.0);
}

TEST_F(PluginAgainstSim, PhotoMismatchGoesToReviewByDefaultAndFailsWhenRulesSaySo) {
  auto f = check(kZhangName, kZhangId, env.other_photo_file);
  EXPECT_EQ(f.outcome, Outcome::needs_review);
  EXPECT_EQ(codes(f), "AUTHORITY_PHOTO_MISMATCH ");
  auto p = env.params();
  p["photo_mismatch_outcome"] = "fail";
  auto g = verify(make_case(p, kZhangName, kZhangId, env.other_photo_file));
  EXPECT_EQ(g.outcome, Outcome::fail);
}

#ifdef SHIMING_SIM_WITH_FACE
// The same face in other bytes (darker, re-encoded as JPEG, slightly cropped)
// matches by face descriptor; a hash comparison could not do this.
TEST_F(PluginAgainstSim, OtherPhotoOfTheSameFaceMatchesByDescriptor) {
  cv::Mat img = cv::imread(env.portrait_file, cv::IMREAD_COLOR);
  ASSERT_FALSE(img.empty());
  cv::Mat changed;
  img(cv::Rect(4, 4, img.cols - 8, img.rows - 8)).convertTo(changed, -1, 0.85, 12);
  std::vector<std::uint8_t> jpeg;
  ASSERT_TRUE(cv::imencode(".jpg", changed, jpeg, {cv::IMWRITE_JPEG_QUALITY, 85}));
  const std::string file = env.dir + "/same-face.jpg";
  write_file(file, std::string(jpeg.begin(), jpeg.end()));
  auto f = check(kZhangName, kZhangId, file);
  EXPECT_EQ(f.outcome, Outcome::pass) << codes(f) << f.details.dump();
  EXPECT_GT(f.details["similarity"].get<double>(), 0.5);
  EXPECT_LT(f.details["similarity"].get<double>(), 1.0);
}
#endif

TEST_F(PluginAgainstSim, NameMismatchWithAdvice) {
  auto f = check("张叁", kZhangId);
  EXPECT_EQ(f.outcome, Outcome::fail);
  ASSERT_EQ(f.reasons.size(), 1u);
  EXPECT_EQ(f.reasons[0].code, "AUTHORITY_NAME_MISMATCH");
  EXPECT_NE(f.reasons[0].advice_zh.find("逐字"), std::string::npos);
  EXPECT_FALSE(f.reasons[0].advice.empty());
}

TEST_F(PluginAgainstSim, IdNotFoundAndCancelled) {
  auto f = check(kLiName, kUnknownId);
  EXPECT_EQ(f.outcome, Outcome::fail);
  EXPECT_EQ(codes(f), "AUTHORITY_ID_NOT_FOUND ");
  auto g = check(kWangName, kWangId);
  EXPECT_EQ(g.outcome, Outcome::fail);
  EXPECT_EQ(codes(g), "AUTHORITY_ID_CANCELLED ");
}

TEST_F(PluginAgainstSim, RateLimitedWaitsInTheQueue) {
  auto p = env.params();
  p["client_id"] = "other-province";
  p["hmac_key_file"] = env.dir + "/other.key";
  p["client_cert_file"] = env.pki.other_client_cert;
  p["client_key_file"] = env.pki.other_client_key;
  // 1 per second allowed: of three quick checks at least one is refused.
  int limited = 0;
  for (int i = 0; i < 3; ++i) {
    auto f = verify(make_case(p, kLiName, kLiId));
    if (f.outcome == Outcome::retry) {
      ++limited;
      EXPECT_EQ(codes(f), "AUTHORITY_RATE_LIMITED ");
      EXPECT_GE(f.retry_after.count(), 1);
      EXPECT_EQ(f.details["attempts"], 1);  // rate limits are not retried in the call
    } else {
      EXPECT_EQ(f.outcome, Outcome::pass);
    }
  }
  EXPECT_GE(limited, 1);
}

TEST_F(PluginAgainstSim, CertificateOfAnotherClientIsRefused) {
  auto p = env.params();
  p["client_cert_file"] = env.pki.other_client_cert;
  p["client_key_file"] = env.pki.other_client_key;
  auto f = verify(make_case(p, kLiName, kLiId));
  EXPECT_EQ(f.outcome, Outcome::error);
  EXPECT_EQ(codes(f), "AUTHORITY_REQUEST_REFUSED ");
  EXPECT_EQ(f.details["gateway_code"], "CERTIFICATE_MISMATCH");
}

TEST_F(PluginAgainstSim, UntrustedClientCertificateNeverReachesTheGateway) {
  auto p = env.params();
  p["client_cert_file"] = env.pki.rogue_client_cert;
  p["client_key_file"] = env.pki.rogue_client_key;
  auto f = verify(make_case(p, kLiName, kLiId));
  EXPECT_EQ(f.outcome, Outcome::retry) << codes(f) << f.details.dump();
  EXPECT_EQ(codes(f), "AUTHORITY_TLS_REFUSED ");
  EXPECT_EQ(f.details["attempts"], 1);
  EXPECT_EQ(env.sim->stats().requests.load(), 0u);
}

TEST_F(PluginAgainstSim, WrongSigningKeyIsRefused) {
  auto p = env.params();
  p["hmac_key_file"] = env.dir + "/other.key";
  auto f = verify(make_case(p, kLiName, kLiId));
  EXPECT_EQ(f.outcome, Outcome::error);
  EXPECT_EQ(f.details["gateway_code"], "BAD_SIGNATURE");
}

TEST_F(PluginAgainstSim, StaleClockIsReportedAsClockSkew) {
  auto ctx = make_case(env.params(), kLiName, kLiId);
  ctx->clock_.set(std::chrono::system_clock::now() - std::chrono::minutes(10));
  auto f = verify(std::move(ctx));
  EXPECT_EQ(f.outcome, Outcome::error);
  EXPECT_EQ(codes(f), "AUTHORITY_CLOCK_SKEW ");
}

TEST_F(PluginAgainstSim, UnavailableRetriesThenWaitsAndEndsOnceTheSimRecovers) {
  env.set_faults({{"unavailable_share", 1.0}});
  auto f = check(kLiName, kLiId);
  EXPECT_EQ(f.outcome, Outcome::retry);
  EXPECT_EQ(codes(f), "AUTHORITY_UNAVAILABLE ");
  EXPECT_EQ(f.details["attempts"], 3);
  EXPECT_EQ(f.details["retries"], 2);
  EXPECT_EQ(f.retry_after.count(), 60);
  EXPECT_EQ(f.reasons[0].message_zh, "正在与公安部身份证库核验，请稍候。");
  EXPECT_EQ(env.sim->stats().injected_unavailable.load(), 3u);
  env.set_faults({});
  auto g = check(kLiName, kLiId);
  EXPECT_EQ(g.outcome, Outcome::pass);
}

TEST_F(PluginAgainstSim, ResetsAreRetriedAndTheStoredAnswerIsReplayed) {
  env.set_faults({{"reset_share", 1.0}});
  auto f = check(kLiName, kLiId);
  EXPECT_EQ(f.outcome, Outcome::retry);
  EXPECT_EQ(f.details["attempts"], 3);
  EXPECT_NE(f.details["waiting_because"].get<std::string>().find("reset"), std::string::npos)
      << f.details.dump();
  // The gateway answered each attempt (the reset hit the answer); the same
  // idempotency key got the stored answer on attempts 2 and 3.
  EXPECT_EQ(env.sim->stats().injected_reset.load(), 3u);
  EXPECT_EQ(env.sim->stats().idempotent_replays.load(), 2u);
  env.set_faults({});
  EXPECT_EQ(check(kLiName, kLiId).outcome, Outcome::pass);
}

TEST_F(PluginAgainstSim, ConnectionsAreKeptAlive) {
  for (int i = 0; i < 5; ++i) EXPECT_EQ(check(kLiName, kLiId).outcome, Outcome::pass);
  EXPECT_EQ(env.sim->connections_accepted(), 1u);
}

TEST_F(PluginAgainstSim, ReusedConnectionFoundClosedIsReplacedOnce) {
  EXPECT_EQ(check(kLiName, kLiId).outcome, Outcome::pass);  // leaves an idle connection
  env.set_faults({{"reset_share", 1.0}});
  auto f = check(kLiName, kLiId);
  EXPECT_EQ(f.outcome, Outcome::retry);
  EXPECT_EQ(f.details["attempts"], 3);
  // Attempt 1 met the reset on the reused connection, was replaced once on a
  // new one (reset again): 4 resets for 3 attempts.
  EXPECT_EQ(env.sim->stats().injected_reset.load(), 4u);
  EXPECT_EQ(env.sim->connections_accepted(), 4u);
}

TEST_F(PluginAgainstSim, SlowAnswerHitsTheTotalTimeout) {
  env.set_faults({{"slow_body_share", 1.0}, {"slow_body_ms", 3000}});
  auto p = env.params();
  p["total_timeout_ms"] = 300;
  p["max_attempts"] = 2;
  auto f = verify(make_case(p, kLiName, kLiId));
  EXPECT_EQ(f.outcome, Outcome::retry);
  EXPECT_NE(f.details["waiting_because"].get<std::string>().find("timeout"), std::string::npos)
      << f.details.dump();
  env.set_faults({});
  EXPECT_EQ(verify(make_case(p, kLiName, kLiId)).outcome, Outcome::pass);
}

TEST_F(PluginAgainstSim, AddedLatencyWithinTheTimeoutStillAnswers) {
  env.set_faults({{"latency_ms", 200}});
  auto f = check(kLiName, kLiId);
  EXPECT_EQ(f.outcome, Outcome::pass);
  EXPECT_EQ(f.details["attempts"], 1);
}

TEST_F(PluginAgainstSim, MalformedJsonWaitsInsteadOfDeciding) {
  env.set_faults({{"malformed_json_share", 1.0}});
  auto f = check(kLiName, kLiId);
  EXPECT_EQ(f.outcome, Outcome::retry);
  EXPECT_EQ(codes(f), "AUTHORITY_BAD_ANSWER ");
  env.set_faults({});
  EXPECT_EQ(check(kLiName, kLiId).outcome, Outcome::pass);
}

TEST_F(PluginAgainstSim, ExpiredGatewayCertificateIsRefused) {
  env.set_faults({{"expired_certificate", true}});
  auto f = check(kLiName, kLiId);
  EXPECT_EQ(f.outcome, Outcome::retry);
  EXPECT_EQ(codes(f), "AUTHORITY_TLS_REFUSED ");
  EXPECT_NE(f.details["waiting_because"].get<std::string>().find("expired"), std::string::npos);
  EXPECT_EQ(env.sim->stats().requests.load(), 0u);
  env.set_faults({});
  EXPECT_EQ(check(kLiName, kLiId).outcome, Outcome::pass);
}

TEST_F(PluginAgainstSim, BreakerOpensThenHalfOpensAndClosesOnRecovery) {
  auto p = env.params();
  p["breaker_failure_threshold"] = 3;
  p["max_attempts"] = 3;
  const auto t0 = std::chrono::system_clock::now();
  auto at = [&](std::chrono::seconds offset) {
    auto ctx = make_case(p, kLiName, kLiId);
    ctx->clock_.set(t0 + offset);
    return verify(std::move(ctx));
  };
  env.set_faults({{"unavailable_share", 1.0}});
  auto f = at(std::chrono::seconds(0));
  EXPECT_EQ(f.outcome, Outcome::retry);
  EXPECT_EQ(f.details["breaker_opened"], true);
  EXPECT_EQ(f.details["breaker_state"], "open");
  const auto requests = env.sim->stats().requests.load();

  // Open: no request is sent; the job waits until the breaker half-opens.
  auto g = at(std::chrono::seconds(10));
  EXPECT_EQ(g.outcome, Outcome::retry);
  EXPECT_EQ(codes(g), "AUTHORITY_BREAKER_OPEN ");
  EXPECT_EQ(g.details["attempts"], 0);
  EXPECT_EQ(g.retry_after.count(), 20);
  EXPECT_EQ(env.sim->stats().requests.load(), requests);

  // Half-open probe fails: open again.
  auto h = at(std::chrono::seconds(31));
  EXPECT_EQ(h.outcome, Outcome::retry);
  EXPECT_EQ(h.details["attempts"], 1);
  EXPECT_EQ(h.details["breaker_opened"], true);

  // The simulator recovers; the next probe closes the breaker and the case ends.
  env.set_faults({});
  auto k = at(std::chrono::seconds(62));
  EXPECT_EQ(k.outcome, Outcome::pass) << codes(k);
  EXPECT_EQ(k.details["breaker_state"], "closed");
}

TEST_F(PluginAgainstSim, SecretMissingIsAConfigurationError) {
  auto p = env.params();
  p["hmac_key_file"] = env.dir + "/missing.key";
  auto f = verify(make_case(p, kLiName, kLiId));
  EXPECT_EQ(f.outcome, Outcome::error);
  EXPECT_EQ(codes(f), "AUTHORITY_SECRET_UNREADABLE ");
  auto q = env.params();
  q.erase("hmac_key_file");
  q["hmac_key_env"] = "SHIMING_AUTHORITY_TEST_KEY";
  ::setenv("SHIMING_AUTHORITY_TEST_KEY", "test-province-signing-key-0123456789", 1);
  EXPECT_EQ(verify(make_case(q, kLiName, kLiId)).outcome, Outcome::pass);
}

// A stand-in for the face_match verifier: the precheck calls whatever the
// host offers under that name; here one that always finds a mismatch.
class AlwaysMismatchFace : public sdk::VerifierBase {
 public:
  std::vector<std::string> evidence_needed() const override { return {"face", "id-portrait"}; }
  int calls = 0;

 protected:
  sdk::Finding run(sdk::VerificationContext&) override {
    ++calls;
    auto f = sdk::Finding::with(Outcome::fail, {"FACE_MISMATCH", "m", "m", "a", "a"});
    f.score = 0.1;
    return f;
  }
};

TEST_F(PluginAgainstSim, LocalFacePrecheckStopsBeforeTheAuthority) {
  auto p = env.params();
  p["local_face_precheck"] = true;
  auto without = verify(make_case(p, kZhangName, kZhangId, env.portrait_file));
  EXPECT_EQ(without.outcome, Outcome::pass);
  EXPECT_EQ(without.details["local_precheck"], "face_match not loaded");

  AlwaysMismatchFace face;
  plugin.host.verifiers["face_match"] = &face;
  const auto requests = env.sim->stats().requests.load();
  auto f = verify(make_case(p, kZhangName, kZhangId, env.portrait_file));
  EXPECT_EQ(f.outcome, Outcome::fail);
  EXPECT_EQ(codes(f), "AUTHORITY_LOCAL_FACE_MISMATCH ");
  EXPECT_EQ(face.calls, 1);
  EXPECT_EQ(env.sim->stats().requests.load(), requests);
  plugin.host.verifiers.erase("face_match");
}

TEST_F(PluginAgainstSim, ConcurrentChecksShareOneBreakerSafely) {
  std::vector<std::thread> threads;
  std::atomic<int> passed{0};
  env.set_faults({{"unavailable_share", 0.2}});
  auto p = env.params();
  p["max_attempts"] = 6;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        auto ctx = make_case(p, kLiName, kLiId);
        auto f = plugin.verifier->verify(*ctx);
        if (f.outcome == Outcome::pass) ++passed;
        else EXPECT_EQ(f.outcome, Outcome::retry) << codes(f);
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_GE(passed.load(), 70);  // 6 attempts at 20% 503s: a miss is 0.2^6
}

}  // namespace
}  // namespace shiming::authority_sim::testing
