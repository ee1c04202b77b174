#include "storage/candidate_repo.h"
#include "storage/case_repo.h"
#include "storage/evidence_repo.h"
#include "storage_fixture.h"

#include <fstream>

#include "crypto/digest.h"

namespace shiming::storage {
namespace {

using testing::StorageTest;
namespace fs = std::filesystem;

std::vector<std::uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

class EvidenceRepoTest : public StorageTest {
 protected:
  void SetUp() override {
    StorageTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    CandidateRepo candidates(*db_, keys_);
    sdk::DeclaredIdentity id;
    id.name = "李四";
    id.id_number = "110105194912310037";
    auto cand = candidates.find_or_create("beijing", id);
    ASSERT_TRUE(cand);
    CaseRepo cases(*db_, keys_);
    for (const char* cid : {"case-a", "case-b"}) {
      CaseRecord c;
      c.id = cid;
      c.candidate_id = cand->id;
      c.province = "beijing";
      c.channel = "online";
      c.exam_session = "2026H1";
      c.status = "collecting";
      c.identity = id;
      ASSERT_TRUE(cases.insert(c));
    }
    evidence_dir_ = (dir_ / "evidence").string();
  }
  std::vector<fs::path> files() {
    std::vector<fs::path> out;
    if (!fs::exists(evidence_dir_)) return out;
    for (const auto& e : fs::recursive_directory_iterator(evidence_dir_))
      if (e.is_regular_file()) out.push_back(e.path());
    return out;
  }
  std::string evidence_dir_;
};

TEST_P(EvidenceRepoTest, PutGetRoundTripEncryptedOnDisk) {
  EvidenceRepo repo(*db_, keys_, evidence_dir_);
  std::vector<std::uint8_t> jpeg(50000);
  for (std::size_t i = 0; i < jpeg.size(); ++i) jpeg[i] = static_cast<std::uint8_t>((i * 7) ^ (i >> 3));
  jpeg[0] = 0xFF;
  jpeg[1] = 0xD8;
  ASSERT_TRUE(repo.put("case-a", "id-front", "image/jpeg", jpeg, {{"device", "phone"}}));
  auto got = repo.get("case-a", "id-front");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->data, jpeg);
  EXPECT_EQ(got->meta.content_type, "image/jpeg");
  EXPECT_EQ(got->meta.size_bytes, 50000);
  EXPECT_EQ(got->meta.sha256, crypto::sha256_hex(jpeg));
  EXPECT_EQ(got->extra["device"], "phone");
  auto on_disk = files();
  ASSERT_EQ(on_disk.size(), 1u);
  EXPECT_EQ((fs::status(on_disk[0]).permissions() & fs::perms::all), fs::perms::owner_read | fs::perms::owner_write);
  std::ifstream in(on_disk[0], std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(raw.find(std::string(jpeg.begin(), jpeg.begin() + 64)), std::string::npos) << "stored in clear";
  EXPECT_FALSE(repo.get("case-a", "face"));
  EXPECT_FALSE(repo.get("case-b", "id-front"));
}

TEST_P(EvidenceRepoTest, ReplacingAnUploadDeletesTheOldFile) {
  EvidenceRepo repo(*db_, keys_, evidence_dir_);
  ASSERT_TRUE(repo.put("case-a", "face", "image/png", bytes_of("first")));
  ASSERT_TRUE(repo.put("case-a", "face", "image/jpeg", bytes_of("second upload")));
  EXPECT_EQ(files().size(), 1u);
  auto got = repo.get("case-a", "face");
  ASSERT_TRUE(got);
  EXPECT_EQ(std::string(got->data.begin(), got->data.end()), "second upload");
  EXPECT_EQ(got->meta.content_type, "image/jpeg");
  ASSERT_TRUE(repo.put("case-a", "id-back", "image/jpeg", bytes_of("back")));
  auto list = repo.list("case-a");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].kind, "face");
  EXPECT_EQ(list[1].kind, "id-back");
  EXPECT_TRUE(repo.list("case-b").empty());
}

TEST_P(EvidenceRepoTest, RemoveDeletesRowAndFile) {
  EvidenceRepo repo(*db_, keys_, evidence_dir_);
  ASSERT_TRUE(repo.put("case-a", "face", "image/png", bytes_of("face")));
  ASSERT_TRUE(repo.put("case-a", "id-front", "image/png", bytes_of("card")));
  ASSERT_TRUE(repo.remove("case-a", "face"));
  EXPECT_FALSE(repo.get("case-a", "face"));
  EXPECT_EQ(files().size(), 1u);
  EXPECT_TRUE(repo.remove("case-a", "face")) << "removing twice is fine";
  EXPECT_TRUE(repo.get("case-a", "id-front"));
}

TEST_P(EvidenceRepoTest, TamperedOrSwappedFilesAreRefused) {
  EvidenceRepo repo(*db_, keys_, evidence_dir_);
  ASSERT_TRUE(repo.put("case-a", "face", "image/png", bytes_of("face of a")));
  ASSERT_TRUE(repo.put("case-b", "face", "image/png", bytes_of("face of b")));
  auto a = repo.list("case-a")[0].storage_ref;
  auto b = repo.list("case-b")[0].storage_ref;
  // Copy b's file over a's: the AAD binds each file to its case and kind.
  fs::copy_file(fs::path(evidence_dir_) / b, fs::path(evidence_dir_) / a, fs::copy_options::overwrite_existing);
  EXPECT_FALSE(repo.get("case-a", "face"));
  // Flip one byte of b.
  {
    std::fstream f(fs::path(evidence_dir_) / b, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(30);
    f.put('\x42');
  }
  EXPECT_FALSE(repo.get("case-b", "face"));
}

TEST_P(EvidenceRepoTest, BadInputIsAClearError) {
  EvidenceRepo repo(*db_, keys_, evidence_dir_);
  EXPECT_EQ(repo.put("../etc", "face", "image/png", bytes_of("x")).error().code, "BAD_CASE_ID");
  EXPECT_EQ(repo.put("case-a", "../../x", "image/png", bytes_of("x")).error().code, "BAD_EVIDENCE_KIND");
  EXPECT_EQ(repo.put("case-a", "Face", "image/png", bytes_of("x")).error().code, "BAD_EVIDENCE_KIND");
  EXPECT_EQ(repo.put("case-a", "face", "", bytes_of("x")).error().code, "BAD_CONTENT_TYPE");
  auto missing = repo.put("no-such-case", "face", "image/png", bytes_of("x"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "NOT_FOUND");
  EXPECT_TRUE(files().empty()) << "a refused upload leaves no file behind";
  EXPECT_FALSE(repo.get("../etc", "passwd"));
}

TEST_P(EvidenceRepoTest, RetentionListsBiometricsOfDecidedCases) {
  EvidenceRepo repo(*db_, keys_, evidence_dir_);
  CaseRepo cases(*db_, keys_);
  for (const char* c : {"case-a", "case-b"})
    for (const char* k : {"face", "liveness-video", "id-front"}) ASSERT_TRUE(repo.put(c, k, "image/jpeg", bytes_of(k)));
  auto t = *parse_time("2026-05-01T08:00:00Z");
  ASSERT_TRUE(cases.set_decided_at("case-a", t));
  auto due = repo.due_for_retention({"face", "liveness-video"}, t + std::chrono::hours(1));
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].case_id, "case-a");
  EXPECT_EQ(due[0].kind, "face");
  EXPECT_EQ(due[1].kind, "liveness-video");
  EXPECT_TRUE(repo.due_for_retention({"face"}, t - std::chrono::seconds(1)).empty()) << "decided later than the cut-off";
  EXPECT_EQ(repo.due_for_retention({"face", "liveness-video"}, t, 1).size(), 1u);
  for (const auto& m : due) ASSERT_TRUE(repo.remove(m.case_id, m.kind));
  EXPECT_TRUE(repo.due_for_retention({"face", "liveness-video"}, t).empty());
  EXPECT_TRUE(repo.get("case-a", "id-front"));
  EXPECT_TRUE(repo.get("case-b", "face"));
}

SHIMING_STORAGE_BACKENDS(EvidenceRepoTest);

}  // namespace
}  // namespace shiming::storage
