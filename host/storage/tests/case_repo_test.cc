#include "storage/candidate_repo.h"
#include "storage/case_repo.h"
#include "storage/decision_repo.h"
#include "storage/finding_repo.h"
#include "storage/sql_util.h"
#include "storage_fixture.h"

#include <thread>
#include <unordered_map>

namespace shiming::storage {
namespace {

using namespace std::chrono;
using testing::StorageTest;

TimePoint at(const char* iso) { return *parse_time(iso); }

sdk::DeclaredIdentity zhang() {
  sdk::DeclaredIdentity i;
  i.name = "张三";
  i.id_number = "11010519491231002x";
  i.sex = "M";
  i.phone = "13812345678";
  i.extra = {{"passport", "E12345678"}};
  return i;
}

class CaseRepoTest : public StorageTest {
 protected:
  std::string candidate() {
    CandidateRepo candidates(*db_, keys_);
    auto c = candidates.find_or_create("beijing", zhang(), at("2026-05-01T08:00:00Z"));
    EXPECT_TRUE(c) << c.error().message;
    return c->id;
  }
  CaseRecord make_case(const std::string& id, const std::string& cand, const char* created,
                       const std::string& status = "collecting") {
    CaseRecord c;
    c.id = id;
    c.candidate_id = cand;
    c.province = "beijing";
    c.channel = "online";
    c.exam_session = "2026H1";
    c.status = status;
    c.citizen_token_hash = "tok-" + id;
    c.identity = zhang();
    c.created_at = c.updated_at = at(created);
    return c;
  }
};

TEST_P(CaseRepoTest, CandidateIsFoundByNormalisedIdNumberAndEncryptedAtRest) {
  CandidateRepo repo(*db_, keys_);
  auto a = repo.find_or_create("beijing", zhang());
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->id_number, "11010519491231002X");
  EXPECT_EQ(a->name, "张三");
  auto upper = zhang();
  upper.id_number = " 11010519491231002X ";
  upper.name = "张三丰";
  auto b = repo.find_or_create("beijing", upper);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->id, a->id);
  EXPECT_EQ(b->name, "张三") << "an existing candidate is returned unchanged";
  auto other_province = repo.find_or_create("shanghai", zhang());
  ASSERT_TRUE(other_province);
  EXPECT_NE(other_province->id, a->id);

  EXPECT_EQ(repo.find_id("beijing", "11010519491231002x"), a->id);
  EXPECT_FALSE(repo.find_id("beijing", "110105194912310037"));
  auto got = repo.get(a->id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->phone, "13812345678");
  EXPECT_EQ(repo.get("nope").error().code, "NOT_FOUND");

  // Nothing personal is stored in clear text.
  auto s = db_->session();
  std::string name_enc, idn_enc, hash;
  *s << "SELECT name_enc, id_number_enc, id_hash FROM candidates WHERE id = :id", soci::use(a->id),
      soci::into(name_enc), soci::into(idn_enc), soci::into(hash);
  EXPECT_EQ(name_enc.find("张三"), std::string::npos);
  EXPECT_EQ(idn_enc.find("110105"), std::string::npos);
  EXPECT_EQ(hash, keys_.keyed_hash("11010519491231002X"));
  EXPECT_EQ(repo.find_or_create("beijing", sdk::DeclaredIdentity{}).error().code, "ID_NUMBER_REQUIRED");
}

TEST_P(CaseRepoTest, ConcurrentFindOrCreateYieldsOneCandidate) {
  std::vector<std::string> ids(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&, i] {
      CandidateRepo repo(*db_, keys_);
      auto c = repo.find_or_create("beijing", zhang());
      if (c) ids[i] = c->id;
    });
  for (auto& t : threads) t.join();
  for (const auto& id : ids) EXPECT_EQ(id, ids[0]);
  EXPECT_FALSE(ids[0].empty());
}

TEST_P(CaseRepoTest, InsertGetAndIdentityRoundTrip) {
  CaseRepo cases(*db_, keys_);
  auto cand = candidate();
  auto c = make_case("case-1", cand, "2026-05-01T08:00:00Z");
  c.due_at = at("2026-05-08T16:00:00Z");
  ASSERT_TRUE(cases.insert(c));
  EXPECT_EQ(cases.insert(c).error().code, "CASE_EXISTS");
  auto got = cases.get("case-1");
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->identity.name, "张三");
  EXPECT_EQ(got->identity.extra["passport"], "E12345678");
  EXPECT_EQ(got->status, "collecting");
  EXPECT_EQ(got->due_at, c.due_at);
  EXPECT_FALSE(got->submitted_at);
  EXPECT_EQ(got->created_at, c.created_at);
  EXPECT_EQ(got->version, 0);
  EXPECT_EQ(cases.by_token_hash("tok-case-1")->id, "case-1");
  EXPECT_EQ(cases.by_token_hash("tok-x").error().code, "NOT_FOUND");
  EXPECT_EQ(cases.get("case-x").error().code, "NOT_FOUND");

  // A case pointing to no candidate is refused by the foreign key.
  auto orphan = make_case("case-2", "no-such-candidate", "2026-05-01T08:00:00Z");
  EXPECT_FALSE(cases.insert(orphan));
}

TEST_P(CaseRepoTest, UpdateStatusIsCompareAndSet) {
  CaseRepo cases(*db_, keys_);
  ASSERT_TRUE(cases.insert(make_case("c1", candidate(), "2026-05-01T08:00:00Z")));
  ASSERT_TRUE(cases.update_status("c1", "collecting", "submitted", at("2026-05-01T09:00:00Z")));
  auto conflict = cases.update_status("c1", "collecting", "submitted", at("2026-05-01T09:00:01Z"));
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().code, "CONFLICT");
  EXPECT_EQ(cases.update_status("nope", "collecting", "submitted", at("2026-05-01T09:00:00Z")).error().code,
            "NOT_FOUND");
  auto c = cases.get("c1");
  EXPECT_EQ(c->status, "submitted");
  EXPECT_EQ(c->version, 1);
  EXPECT_EQ(c->updated_at, at("2026-05-01T09:00:00Z"));
  EXPECT_EQ(cases.update_status("c1", "submitted", "verified", at("2026-05-01T10:00:00Z"), 0).error().code,
            "CONFLICT");
  ASSERT_TRUE(cases.update_status("c1", "submitted", "pending_review", at("2026-05-01T10:00:00Z"), 1));

  // Two racing reviewers: exactly one wins.
  std::atomic<int> wins{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (const char* to : {"verified", "rejected", "verified", "rejected"})
    threads.emplace_back([&, to] {
      auto st = cases.update_status("c1", "pending_review", to, at("2026-05-01T11:00:00Z"));
      if (st) ++wins;
      else if (st.error().code == "CONFLICT") ++conflicts;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(conflicts.load(), 3);
}

TEST_P(CaseRepoTest, ListsQueueWithExpeditedAndDeadlinesFirst) {
  CaseRepo cases(*db_, keys_);
  auto cand = candidate();
  auto a = make_case("a", cand, "2026-05-01T08:00:00Z", "pending_review");
  auto b = make_case("b", cand, "2026-05-02T08:00:00Z", "pending_review");
  b.due_at = at("2026-05-05T00:00:00Z");
  auto c = make_case("c", cand, "2026-05-03T08:00:00Z", "pending_review");
  c.expedited = true;
  auto d = make_case("d", cand, "2026-05-04T08:00:00Z", "verified");
  auto e = make_case("e", cand, "2026-05-05T08:00:00Z", "pending_review");
  e.province = "shanghai";
  for (const auto& x : {a, b, c, d, e}) ASSERT_TRUE(cases.insert(x));
  auto ids = [](const std::vector<CaseRecord>& v) {
    std::vector<std::string> out;
    for (const auto& x : v) out.push_back(x.id);
    return out;
  };
  EXPECT_EQ(ids(cases.list_by_status("beijing", "pending_review", 10, 0)), (std::vector<std::string>{"c", "b", "a"}));
  EXPECT_EQ(ids(cases.list_by_status("beijing", "pending_review", 1, 1)), (std::vector<std::string>{"b"}));
  EXPECT_EQ(ids(cases.list_by_status("", "pending_review", 10, 0)).size(), 4u);
  EXPECT_EQ(cases.count_by_status("beijing", "pending_review"), 3);
  EXPECT_EQ(cases.count_by_status("", "pending_review"), 4);
  EXPECT_EQ(cases.latest_for_candidate(cand), "e");
  EXPECT_FALSE(cases.latest_for_candidate("nobody"));
  EXPECT_EQ(cases.list_for_candidate(cand).size(), 5u);
}

TEST_P(CaseRepoTest, SettersBumpVersion) {
  CaseRepo cases(*db_, keys_);
  ASSERT_TRUE(cases.insert(make_case("c1", candidate(), "2026-05-01T08:00:00Z")));
  ASSERT_TRUE(cases.set_submitted_at("c1", at("2026-05-01T09:00:00Z")));
  ASSERT_TRUE(cases.set_due_at("c1", at("2026-05-02T09:00:00Z"), at("2026-05-01T09:00:01Z")));
  ASSERT_TRUE(cases.set_expedited("c1", true, at("2026-05-01T09:00:02Z")));
  ASSERT_TRUE(cases.set_decided_at("c1", at("2026-05-01T10:00:00Z")));
  auto c = cases.get("c1");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->submitted_at, at("2026-05-01T09:00:00Z"));
  EXPECT_EQ(c->due_at, at("2026-05-02T09:00:00Z"));
  EXPECT_TRUE(c->expedited);
  EXPECT_EQ(c->decided_at, at("2026-05-01T10:00:00Z"));
  EXPECT_EQ(c->version, 4);
  ASSERT_TRUE(cases.set_due_at("c1", std::nullopt, at("2026-05-01T10:00:01Z")));
  EXPECT_FALSE(cases.get("c1")->due_at);
  EXPECT_EQ(cases.set_expedited("zz", true, at("2026-05-01T09:00:02Z")).error().code, "NOT_FOUND");
  EXPECT_EQ(cases.set_submitted_at("zz", at("2026-05-01T09:00:02Z")).error().code, "NOT_FOUND");
}

TEST_P(CaseRepoTest, FindingsAndDecisionsKeepOrderAndEncryptDetails) {
  CaseRepo cases(*db_, keys_);
  ASSERT_TRUE(cases.insert(make_case("c1", candidate(), "2026-05-01T08:00:00Z")));
  FindingRepo findings(*db_, keys_);
  for (int i = 0; i < 3; ++i) {
    FindingRecord f;
    f.case_id = "c1";
    f.job_id = "j1";
    f.step = "step" + std::to_string(i);
    f.verifier = "idcard_ocr";
    f.outcome = i == 2 ? "fail" : "pass";
    f.score = 0.25 * i;
    f.reasons = nlohmann::json::array({{{"code", "BLURRY"}}});
    f.details = {{"name", "张三"}, {"id_number", "11010519491231002X"}};
    f.created_at = at("2026-05-01T08:00:00Z");  // same second: order comes from insertion
    ASSERT_TRUE(findings.append(f));
  }
  auto list = findings.list("c1");
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].step, "step0");
  EXPECT_EQ(list[2].step, "step2");
  EXPECT_DOUBLE_EQ(list[2].score, 0.5);
  EXPECT_EQ(list[1].details["name"], "张三");
  EXPECT_EQ(list[1].reasons[0]["code"], "BLURRY");
  auto s = db_->session();
  std::string enc;
  *s << "SELECT details_enc FROM findings WHERE step = 'step1'", soci::into(enc);
  EXPECT_EQ(enc.find("11010519"), std::string::npos);
  FindingRecord orphan;
  orphan.case_id = "nope";
  EXPECT_EQ(findings.append(orphan).error().code, "NOT_FOUND");

  DecisionRepo decisions(*db_);
  DecisionRecord d;
  d.case_id = "c1";
  d.actor_id = "u1";
  d.decision = "rejected";
  d.reasons = {"PHOTO_MISMATCH"};
  d.comment = "照片与证件不符";
  d.created_at = at("2026-05-02T08:00:00Z");
  ASSERT_TRUE(decisions.append(d));
  d.decision = "verified";
  d.comment = "";
  ASSERT_TRUE(decisions.append(d));
  auto dl = decisions.list("c1");
  ASSERT_EQ(dl.size(), 2u);
  EXPECT_EQ(dl[0].decision, "rejected");
  EXPECT_EQ(dl[0].comment, "照片与证件不符");
  EXPECT_EQ(dl[0].reasons[0], "PHOTO_MISMATCH");
  EXPECT_EQ(dl[1].decision, "verified");
  EXPECT_TRUE(decisions.list("other").empty());
}

// The statements over many rows (Cases::open_many, the roster's duplicate check) give what the
// one-row statements give, across the 500-row statement boundary, with NULLs and decryption; a
// duplicate key in a multi-row INSERT inside a transaction rolls back only that statement.
TEST_P(CaseRepoTest, ManyRowsAtOnceMatchOneByOne) {
  CandidateRepo candidates(*db_, keys_);
  CaseRepo cases(*db_, keys_);
  const std::size_t n = 620;
  std::vector<Candidate> fresh;
  std::vector<std::string> numbers, hashes;
  for (std::size_t i = 0; i < n; ++i) {
    Candidate c;
    c.id = "cand-" + std::to_string(i);
    c.province = "beijing";
    c.id_number = "1101051990010" + std::to_string(10000 + i);
    c.id_hash = candidates.hash_of(c.id_number);
    c.name = "王" + std::to_string(i);
    c.phone = "138" + std::to_string(10000000 + i);
    c.sex = i % 2 ? "F" : "M";
    c.created_at = at("2026-05-01T08:00:00Z");
    numbers.push_back(i % 3 ? c.id_number : " " + c.id_number + " ");  // found as normalised
    hashes.push_back(c.id_hash);
    fresh.push_back(c);
  }
  std::vector<CaseRecord> made;
  for (std::size_t i = 0; i < n; ++i) {
    // candidates 0..99 get two cases each (the later one is the newest), 100..199 none
    if (i >= 100 && i < 200) continue;
    auto c = make_case("case-" + std::to_string(i) + "-a", fresh[i].id, "2026-05-01T08:00:00Z");
    if (i % 7 == 0) c.submitted_at = at("2026-05-02T08:00:00Z");
    made.push_back(c);
    if (i < 100) {
      auto later = make_case("case-" + std::to_string(i) + "-b", fresh[i].id, "2026-05-03T08:00:00Z", "rejected");
      later.attempt = 2;
      later.due_at = at("2026-05-09T08:00:00Z");
      made.push_back(later);
    }
  }
  auto s = db_->session();
  ASSERT_TRUE(db_->write_transaction(*s, [&](soci::session& tx) -> sdk::Status {
    candidates.insert_many(tx, fresh);
    cases.insert_many(tx, made);
    return {};
  }));

  std::unordered_map<std::string, std::string> by_hash;
  ASSERT_TRUE(db_->write_transaction(*s, [&](soci::session& tx) -> sdk::Status {
    by_hash = candidates.ids_by_hash(tx, "beijing", hashes);
    return {};
  }));
  ASSERT_EQ(by_hash.size(), n);
  auto ids = candidates.find_ids("beijing", numbers);
  ASSERT_TRUE(ids) << ids.error().message;
  ASSERT_EQ(ids->size(), n);
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_EQ(by_hash[hashes[i]], fresh[i].id);
    EXPECT_EQ(ids->at(numbers[i]), fresh[i].id);
    EXPECT_EQ(candidates.find_id("beijing", numbers[i]), fresh[i].id);
  }
  auto elsewhere = candidates.find_ids("shanghai", numbers);
  ASSERT_TRUE(elsewhere);
  EXPECT_TRUE(elsewhere->empty());
  auto one = candidates.get(fresh[5].id);
  ASSERT_TRUE(one) << one.error().message;
  EXPECT_EQ(one->name, "王5");
  EXPECT_EQ(one->phone, fresh[5].phone);
  EXPECT_EQ(one->sex, "F");

  std::vector<std::string> cand_ids;
  for (const auto& c : fresh) cand_ids.push_back(c.id);
  auto latest = cases.latest_for_candidates(cand_ids);
  ASSERT_TRUE(latest) << latest.error().message;
  EXPECT_EQ(latest->size(), n - 100);
  std::unordered_map<std::string, std::vector<CaseRecord>> listed;
  ASSERT_TRUE(db_->write_transaction(*s, [&](soci::session& tx) -> sdk::Status {
    listed = cases.list_for_candidates(tx, cand_ids);
    return {};
  }));
  for (std::size_t i = 0; i < n; ++i) {
    const auto& id = fresh[i].id;
    auto single = cases.latest_for_candidate(id);
    EXPECT_EQ(latest->count(id) ? std::optional<std::string>(latest->at(id)) : std::nullopt, single) << id;
    auto one_by_one = cases.list_for_candidate(id);
    auto& many = listed[id];
    ASSERT_EQ(many.size(), one_by_one.size()) << id;
    for (std::size_t k = 0; k < many.size(); ++k) {
      EXPECT_EQ(many[k].id, one_by_one[k].id);
      EXPECT_EQ(many[k].attempt, one_by_one[k].attempt);
      EXPECT_EQ(many[k].status, one_by_one[k].status);
      EXPECT_EQ(many[k].due_at, one_by_one[k].due_at);
      EXPECT_EQ(many[k].submitted_at, one_by_one[k].submitted_at);
      EXPECT_EQ(many[k].identity.name, "张三");
    }
  }
  EXPECT_EQ(latest->at("cand-3"), "case-3-b");
  ASSERT_EQ(listed["cand-0"].size(), 2u);
  EXPECT_EQ(listed["cand-0"][1].due_at, at("2026-05-09T08:00:00Z"));
  EXPECT_EQ(listed["cand-0"][0].submitted_at, at("2026-05-02T08:00:00Z"));
  EXPECT_FALSE(listed["cand-1"][0].due_at);

  // A multi-row INSERT with one taken hash: that statement is rolled back as a whole (no row of
  // it stays), the transaction goes on and commits what came after.
  Candidate again = fresh[10], newer = fresh[11];
  again.id = "cand-again";
  newer.id = "cand-new";
  newer.id_number = "110105199001099999";
  newer.id_hash = candidates.hash_of(newer.id_number);
  Candidate last = newer;
  last.id = "cand-last";
  last.id_number = "110105199001088888";
  last.id_hash = candidates.hash_of(last.id_number);
  bool duplicate = false;
  ASSERT_TRUE(db_->write_transaction(*s, [&](soci::session& tx) -> sdk::Status {
    try {
      candidates.insert_many(tx, {newer, again});
    } catch (const std::exception& e) {
      duplicate = sql::is_duplicate_key(e);
    }
    candidates.insert_many(tx, {last});
    return {};
  }));
  EXPECT_TRUE(duplicate);
  EXPECT_FALSE(candidates.find_id("beijing", newer.id_number));
  EXPECT_EQ(candidates.find_id("beijing", last.id_number), "cand-last");
}

SHIMING_STORAGE_BACKENDS(CaseRepoTest);

}  // namespace
}  // namespace shiming::storage
