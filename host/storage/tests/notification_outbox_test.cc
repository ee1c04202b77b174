#include "storage/notification_outbox.h"

#include <mutex>
#include <set>
#include <thread>

#include "storage_fixture.h"

namespace shiming::storage {
namespace {

using testing::StorageTest;
using namespace std::chrono_literals;

class OutboxTest : public StorageTest {};

TimePoint at(const char* text) { return *parse_time(text); }

OutboxEntry entry(const std::string& key, const std::string& notifier = "outbox_file") {
  OutboxEntry e;
  e.event_key = key;
  e.notifier = notifier;
  e.event = "status_changed";
  e.case_id = "case-1";
  e.province = "beijing";
  e.payload = {{"email", "zhang.san@example.cn"}, {"subject_zh", "认证状态更新"}};
  e.next_attempt_at = at("2027-03-01T08:00:00Z");
  return e;
}

TEST_P(OutboxTest, SameEventAndNotifierIsStoredOnceEvenFromTwoHosts) {
  auto other_db = second_host();
  ASSERT_TRUE(other_db);
  NotificationOutbox a(*db_, keys_), b(*other_db, keys_);
  auto now = at("2027-03-01T08:00:00Z");
  auto first = a.enqueue(entry("warning:case-1:2027-05:3"), now);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(*first);
  auto again = b.enqueue(entry("warning:case-1:2027-05:3"), now);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_FALSE(*again);
  auto other_notifier = b.enqueue(entry("warning:case-1:2027-05:3", "smtp"), now);
  ASSERT_TRUE(other_notifier);
  EXPECT_TRUE(*other_notifier);
  EXPECT_EQ(a.for_case("case-1").size(), 2u);
  EXPECT_EQ(a.counts()["pending"], 2);
}

TEST_P(OutboxTest, PayloadIsEncryptedAtRest) {
  NotificationOutbox box(*db_, keys_);
  ASSERT_TRUE(box.enqueue(entry("status:case-1:submitted"), at("2027-03-01T08:00:00Z")));
  auto s = db_->session();
  std::string stored;
  *s << "SELECT payload_enc FROM notification_outbox", soci::into(stored);
  EXPECT_EQ(stored.find("zhang.san"), std::string::npos);
  auto got = box.for_case("case-1");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].payload["email"], "zhang.san@example.cn");
}

TEST_P(OutboxTest, ClaimLeasesOneEntryAndRetryWaitsForItsTime) {
  NotificationOutbox box(*db_, keys_);
  auto t0 = at("2027-03-01T08:00:00Z");
  ASSERT_TRUE(box.enqueue(entry("status:case-1:submitted"), t0));
  EXPECT_FALSE(box.claim("h1", 30s, t0 - 1s)) << "not due yet";
  auto c = box.claim("h1", 30s, t0);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->attempts, 1);
  EXPECT_EQ(c->state, "sending");
  EXPECT_FALSE(box.claim("h2", 30s, t0 + 1s)) << "leased to h1";
  // Another sender cannot finish it.
  auto stolen = box.mark_done(c->id, "h2", outbox_state::kSent, "", t0 + 2s);
  ASSERT_FALSE(stolen);
  EXPECT_EQ(stolen.error().code, "LEASE_LOST");
  ASSERT_TRUE(box.retry_later(c->id, "h1", t0 + 60s, "SMTP_UNAVAILABLE", t0 + 2s));
  EXPECT_FALSE(box.claim("h2", 30s, t0 + 59s));
  auto again = box.claim("h2", 30s, t0 + 60s);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->attempts, 2);
  EXPECT_EQ(again->last_error, "SMTP_UNAVAILABLE");
  ASSERT_TRUE(box.mark_done(again->id, "h2", outbox_state::kSent, "", t0 + 61s));
  auto done = box.get(again->id);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->state, "sent");
  ASSERT_TRUE(done->sent_at);
  EXPECT_FALSE(box.claim("h1", 30s, t0 + 3600s));
}

TEST_P(OutboxTest, ExpiredLeaseOfADeadSenderIsClaimedAgain) {
  NotificationOutbox box(*db_, keys_);
  auto t0 = at("2027-03-01T08:00:00Z");
  ASSERT_TRUE(box.enqueue(entry("status:case-1:verified"), t0));
  ASSERT_TRUE(box.claim("dead", 30s, t0));
  EXPECT_FALSE(box.claim("alive", 30s, t0 + 29s));
  auto c = box.claim("alive", 30s, t0 + 30s);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->lease_owner, "alive");
  EXPECT_EQ(c->attempts, 2);
}

TEST_P(OutboxTest, ConcurrentSendersNeverClaimTheSameEntry) {
  auto other_db = second_host();
  ASSERT_TRUE(other_db);
  NotificationOutbox a(*db_, keys_), b(*other_db, keys_);
  auto t0 = at("2027-03-01T08:00:00Z");
  constexpr int kEntries = 40;
  for (int i = 0; i < kEntries; ++i) ASSERT_TRUE(a.enqueue(entry("status:case-" + std::to_string(i) + ":submitted"), t0));
  std::mutex mu;
  std::multiset<std::string> seen;
  auto run = [&](NotificationOutbox& box, const std::string& owner) {
    while (auto c = box.claim(owner, 60s, t0)) {
      std::lock_guard lock(mu);
      seen.insert(c->id);
    }
  };
  std::thread ta(run, std::ref(a), "a"), tb(run, std::ref(b), "b");
  ta.join();
  tb.join();
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kEntries));
  for (const auto& id : seen) EXPECT_EQ(seen.count(id), 1u) << id;
}

SHIMING_STORAGE_BACKENDS(OutboxTest);

}  // namespace
}  // namespace shiming::storage
