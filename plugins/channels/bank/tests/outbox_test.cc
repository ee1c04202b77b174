#include <gtest/gtest.h>

#include <shiming/sdk/testing/fakes.h>

#include "outbox.h"

namespace shiming::bank {
namespace {

class OutboxTest : public ::testing::Test {
 protected:
  DeliveryConfig config() {
    DeliveryConfig c;
    c.retry_base_seconds = 10;
    c.retry_max_seconds = 60;
    c.max_attempts = 5;
    return c;
  }
  sdk::testing::FakeRecordStore records_;
  sdk::testing::FakeClock clock_;
  sdk::testing::CapturingLogger logger_;
  std::vector<std::string> sent_;
  std::vector<int> answers_;  // HTTP status per call; 0 = no answer
  Outbox::Sender sender() {
    return [this](const nlohmann::json& item) {
      sent_.push_back(item["id"]);
      PostResult r;
      r.status = answers_.empty() ? 200 : answers_.front();
      if (!answers_.empty()) answers_.erase(answers_.begin());
      if (r.status == 0) r.error = "Connection refused";
      return r;
    };
  }
};

TEST_F(OutboxTest, BackoffDoublesUpToTheMaximum) {
  Outbox o(records_, clock_, logger_, config(), sender());
  EXPECT_EQ(o.backoff(1).count(), 10);
  EXPECT_EQ(o.backoff(2).count(), 20);
  EXPECT_EQ(o.backoff(3).count(), 40);
  EXPECT_EQ(o.backoff(4).count(), 60);
  EXPECT_EQ(o.backoff(30).count(), 60);
}

TEST_F(OutboxTest, AFailedDeliveryWaitsItsBackoffThenSucceeds) {
  Outbox o(records_, clock_, logger_, config(), sender());
  ASSERT_TRUE(o.enqueue({"s1#000001", "p", "K", "http://x/", "{}"}).ok());
  answers_ = {0, 503};
  EXPECT_EQ(o.deliver_due(), 0);
  EXPECT_EQ(sent_.size(), 1u);
  clock_.advance(std::chrono::seconds(9));
  EXPECT_EQ(o.deliver_due(), 0);
  EXPECT_EQ(sent_.size(), 1u);  // not due yet
  clock_.advance(std::chrono::seconds(1));
  EXPECT_EQ(o.deliver_due(), 0);  // 503
  EXPECT_EQ(sent_.size(), 2u);
  auto item = records_.get("bank_outbox", "s1#000001");
  EXPECT_EQ((*item)["attempts"], 2);
  EXPECT_EQ((*item)["last_error"], "HTTP 503");
  clock_.advance(std::chrono::seconds(20));
  EXPECT_EQ(o.deliver_due(), 1);
  EXPECT_EQ(records_.list("bank_outbox", "delivered").size(), 1u);
  EXPECT_TRUE(records_.list("bank_outbox", "pending").empty());
}

TEST_F(OutboxTest, LaterEventsOfASubmissionWaitForTheEarlierOne) {
  Outbox o(records_, clock_, logger_, config(), sender());
  ASSERT_TRUE(o.enqueue({"s1#000001", "p", "K", "http://x/", "{}"}).ok());
  ASSERT_TRUE(o.enqueue({"s1#000002", "p", "K", "http://x/", "{}"}).ok());
  ASSERT_TRUE(o.enqueue({"s2#000001", "p", "K", "http://x/", "{}"}).ok());
  answers_ = {0, 200};
  EXPECT_EQ(o.deliver_due(), 1);
  EXPECT_EQ(sent_, (std::vector<std::string>{"s1#000001", "s2#000001"}));
  clock_.advance(std::chrono::seconds(10));
  EXPECT_EQ(o.deliver_due(), 2);
  EXPECT_EQ(sent_.back(), "s1#000002");
}

TEST_F(OutboxTest, AReceiverThatNeverAnswersIsParkedNotDropped) {
  Outbox o(records_, clock_, logger_, config(), sender());
  ASSERT_TRUE(o.enqueue({"s1#000001", "p", "K", "http://x/", "{\"a\":1}"}).ok());
  answers_ = {0, 0, 0, 0, 0, 0, 0};
  for (int i = 0; i < 10; ++i) {
    (void)o.deliver_due();
    clock_.advance(std::chrono::seconds(60));
  }
  EXPECT_EQ(sent_.size(), 5u);
  auto dead = records_.list("bank_outbox", "dead");
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].second["body"], "{\"a\":1}");
}

}  // namespace
}  // namespace shiming::bank
