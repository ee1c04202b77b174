#include "storage/audit_log.h"
#include "storage_fixture.h"

#include <set>
#include <thread>

namespace shiming::storage {
namespace {

using testing::StorageTest;

class AuditLogTest : public StorageTest {
 protected:
  AuditEntry entry(const std::string& case_id, const std::string& to) {
    AuditEntry e;
    e.created_at = *parse_time("2026-05-01T08:00:00Z");
    e.actor_role = "reviewer";
    e.actor_id = "u1";
    e.province = "beijing";
    e.case_id = case_id;
    e.action = "transition";
    e.from_status = "pending_review";
    e.to_status = to;
    e.reason = "人工审核";
    return e;
  }
  void exec(const std::string& sql) {
    auto s = db_->session();
    *s << sql;
  }
};

TEST_P(AuditLogTest, AppendChainsAndListsPerCase) {
  AuditLog log(*db_);
  auto a = log.append(entry("c1", "verified"));
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->seq, 1);
  EXPECT_EQ(a->prev_hash, "");
  EXPECT_EQ(a->hash, AuditLog::chain_hash("", *a));
  auto b = log.append(entry("c2", "rejected"));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->seq, 2);
  EXPECT_EQ(b->prev_hash, a->hash);
  ASSERT_TRUE(log.append(entry("c1", "expired")));
  auto list = log.list_for_case("c1");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].to_status, "verified");
  EXPECT_EQ(list[1].to_status, "expired");
  EXPECT_EQ(list[1].reason, "人工审核");
  auto v = log.verify();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.checked, 3);
}

// Cases::open_many: several records inside the caller's transaction, the head written once; a
// rolled-back transaction leaves neither records nor a moved head behind.
TEST_P(AuditLogTest, AppendInChainsInsideTheCallersTransaction) {
  AuditLog log(*db_);
  ASSERT_TRUE(log.append(entry("c0", "verified")));
  std::vector<AuditEntry> chunk = {entry("c1", "collecting"), entry("c2", "collecting"), entry("c3", "collecting")};
  auto s = db_->session();
  auto st = db_->write_transaction(*s, [&](soci::session& tx) { return log.append_in(tx, chunk); });
  ASSERT_TRUE(st) << st.error().message;
  EXPECT_EQ(chunk[0].seq, 2);
  EXPECT_EQ(chunk[2].seq, 4);
  EXPECT_EQ(chunk[1].prev_hash, chunk[0].hash);
  EXPECT_EQ(chunk[2].hash, AuditLog::chain_hash(chunk[1].hash, chunk[2]));

  std::vector<AuditEntry> dropped = {entry("c4", "collecting"), entry("c5", "collecting")};
  auto rolled_back = db_->write_transaction(*s, [&](soci::session& tx) -> sdk::Status {
    if (auto a = log.append_in(tx, dropped); !a) return a;
    return sdk::make_error("BODY_FAILED", "the rest of the chunk failed", "失败");
  });
  EXPECT_FALSE(rolled_back);
  EXPECT_TRUE(log.list_for_case("c4").empty());
  auto next = log.append(entry("c6", "verified"));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->seq, 5);
  EXPECT_EQ(next->prev_hash, chunk[2].hash);
  auto v = log.verify();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.checked, 5);
}

TEST_P(AuditLogTest, EmptyChainVerifies) {
  auto v = AuditLog(*db_).verify();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.checked, 0);
}

TEST_P(AuditLogTest, StaysLinearUnderFourConcurrentAppenders) {
  constexpr int kThreads = 4, kEach = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      AuditLog log(*db_);  // one repository per thread, sharing the pool
      for (int i = 0; i < kEach; ++i) {
        auto r = log.append(entry("case-" + std::to_string(t), "s" + std::to_string(i)));
        if (!r) ++failures;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  AuditLog log(*db_);
  auto v = log.verify();
  EXPECT_TRUE(v.ok) << v.problem << " at " << v.first_broken_seq.value_or(-1);
  EXPECT_EQ(v.checked, kThreads * kEach);
  auto s = db_->session();
  int distinct_prev = 0;
  *s << "SELECT COUNT(DISTINCT prev_hash) FROM audit_log", soci::into(distinct_prev);
  EXPECT_EQ(distinct_prev, kThreads * kEach) << "no two records may share a predecessor (a fork)";
}

TEST_P(AuditLogTest, TwoHostsShareOneLinearChain) {
  auto other = second_host();
  ASSERT_TRUE(other);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      AuditLog log(t % 2 ? *other : *db_);
      for (int i = 0; i < 20; ++i)
        if (!log.append(entry("case-" + std::to_string(t), "s" + std::to_string(i)))) ++failures;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto v = AuditLog(*other).verify();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.checked, 80);
}

TEST_P(AuditLogTest, VerifyDetectsAnEditedRecord) {
  AuditLog log(*db_);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(log.append(entry("c1", "s" + std::to_string(i))));
  exec("UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 3");
  auto v = log.verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_seq, 3);
  EXPECT_NE(v.problem.find("edited"), std::string::npos) << v.problem;
}

TEST_P(AuditLogTest, VerifyDetectsAnEditWithRecomputedHash) {
  // An attacker who recomputes the edited record's own hash still breaks the
  // link to the next record.
  AuditLog log(*db_);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(log.append(entry("c1", "s" + std::to_string(i))));
  auto list = log.list_for_case("c1");
  AuditEntry forged = list[1];
  forged.to_status = "verified";
  std::string h = AuditLog::chain_hash(forged.prev_hash, forged);
  {
    auto s = db_->session();
    *s << "UPDATE audit_log SET to_status = 'verified', hash = :h WHERE seq = 2", soci::use(h);
  }
  auto v = log.verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_seq, 3);
}

TEST_P(AuditLogTest, VerifyDetectsADeletedRecord) {
  AuditLog log(*db_);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(log.append(entry("c1", "s" + std::to_string(i))));
  exec("DELETE FROM audit_log WHERE seq = 2");
  auto v = log.verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_seq, 2);
  EXPECT_NE(v.problem.find("deleted"), std::string::npos) << v.problem;
}

TEST_P(AuditLogTest, VerifyDetectsATruncatedTail) {
  AuditLog log(*db_);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(log.append(entry("c1", "s" + std::to_string(i))));
  exec("DELETE FROM audit_log WHERE seq = 5");
  auto v = log.verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_seq, 5);
}

TEST_P(AuditLogTest, VerifyDetectsReorderedRecords) {
  AuditLog log(*db_);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(log.append(entry("c1", "s" + std::to_string(i))));
  // Swap the contents of records 2 and 3 (keeping their seq numbers).
  exec("UPDATE audit_log SET seq = 1002 WHERE seq = 2");
  exec("UPDATE audit_log SET seq = 2 WHERE seq = 3");
  exec("UPDATE audit_log SET seq = 3 WHERE seq = 1002");
  auto v = log.verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_seq, 2);
}

SHIMING_STORAGE_BACKENDS(AuditLogTest);

}  // namespace
}  // namespace shiming::storage
