// Roster import benchmark. Generates a 20,000-row UTF-8 roster CSV, then per database:
//  import: the CSV bytes fed in 64 KiB chunks through RosterValidator (encoding, CSV, ID rules,
//          duplicates), each clean row's name, ID number and phone encrypted (AES-256-GCM, as
//          personal data is stored) with a keyed hash of the ID, inserted in transactions of 1,000
//          rows with SOCI bulk binding;
//  floor:  the same final rows (already encrypted) bulk-inserted into the same table.
// The table is the benchmark's own (enterprise_roster_bench): the channel's storage is not
// written yet. Prints seconds, rows/s, the ratio import/floor and the peak RSS of the process.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "common/log.h"
#include "common/random.h"
#include "crypto/keyring.h"
#include "roster.h"
#include "roster_csv.h"
#include "storage/database.h"

using namespace shiming;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kRows = 20000;
constexpr std::size_t kBatch = 1000;

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
long peak_rss_mb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024;
}


struct Cols {
  std::vector<std::string> batch, hash, name, idn, phone, session;
  std::vector<int> row;
  void clear() {
    batch.clear(), hash.clear(), name.clear(), idn.clear(), phone.clear(), session.clear(), row.clear();
  }
  std::size_t size() const { return row.size(); }
};

void insert(storage::Database& db, Cols& c) {
  if (c.size() == 0) return;
  auto s = db.session();
  auto st = db.write_transaction(*s, [&](soci::session& ss) {
    ss << "INSERT INTO enterprise_roster_bench (batch_id, row_no, id_hash, name_enc, id_number_enc, phone_enc, "
          "exam_session) VALUES (:b, :r, :h, :n, :i, :p, :e)",
        soci::use(c.batch), soci::use(c.row), soci::use(c.hash), soci::use(c.name), soci::use(c.idn),
        soci::use(c.phone), soci::use(c.session);
    return sdk::Status{};
  });
  if (!st) {
    std::fprintf(stderr, "insert: %s\n", st.error().message.c_str());
    std::exit(1);
  }
}

void bench(const std::string& label, const std::string& url, const std::string& csv) {
  auto opened = storage::Database::open(url, 2);
  if (!opened) {
    std::printf("%s: %s\n", label.c_str(), opened.error().message.c_str());
    return;
  }
  auto& db = **opened;
  {
    auto s = db.session();
    *s << "CREATE TABLE enterprise_roster_bench (batch_id VARCHAR(36) NOT NULL, row_no INTEGER NOT NULL, "
          "id_hash VARCHAR(64) NOT NULL, name_enc TEXT NOT NULL, id_number_enc TEXT NOT NULL, phone_enc TEXT NOT NULL, "
          "exam_session VARCHAR(32) NOT NULL, PRIMARY KEY (batch_id, row_no))";
    *s << "CREATE INDEX enterprise_roster_bench_hash ON enterprise_roster_bench (id_hash)";
  }
  auto keys = crypto::Keyring::generate();

  // import
  auto t = Clock::now();
  const std::string batch = "import-" + random_id().substr(0, 8);
  enterprise::RosterContext ctx;
  ctx.exam_sessions = {"2027-05"};
  ctx.id_options.today = std::chrono::year_month_day{std::chrono::year{2026}, std::chrono::month{11}, std::chrono::day{1}};
  enterprise::RosterValidator v(ctx, {});
  Cols cols, all;  // `all` keeps the final rows for the floor run (outside the measured part)
  v.on_row = [&](const enterprise::RosterRow& r) {
    if (!r.clean) return true;
    std::string aad = batch + ":" + std::to_string(r.row);
    cols.batch.push_back(batch);
    cols.row.push_back(static_cast<int>(r.row));
    cols.hash.push_back(keys.keyed_hash(r.id_number));
    cols.name.push_back(keys.encrypt(r.name, aad + ":name"));
    cols.idn.push_back(keys.encrypt(r.id_number, aad + ":id_number"));
    cols.phone.push_back(keys.encrypt(r.phone, aad + ":phone"));
    cols.session.push_back(r.exam_session);
    if (cols.size() >= kBatch) {
      insert(db, cols);
      cols.clear();
    }
    return true;
  };
  bool ok = true;
  for (std::size_t i = 0; i < csv.size() && ok; i += 65536) ok = v.feed(std::string_view(csv).substr(i, 65536));
  ok = ok && v.finish();
  insert(db, cols);
  double import_s = since(t);
  if (!ok || v.clean_rows() != kRows) {
    std::printf("%s: import failed: %s\n", label.c_str(), enterprise::report_json(v).substr(0, 400).c_str());
    std::exit(1);
  }

  // floor: the same rows, prepared outside the timing, under another batch id
  const std::string floor_batch = "floor-" + random_id().substr(0, 8);
  std::vector<Cols> chunks;
  {
    auto s = db.session();
    soci::rowset<soci::row> rs = (s->prepare << "SELECT row_no, id_hash, name_enc, id_number_enc, phone_enc, exam_session "
                                                "FROM enterprise_roster_bench WHERE batch_id = :b ORDER BY row_no",
                                  soci::use(batch));
    for (const auto& r : rs) {
      if (chunks.empty() || chunks.back().size() >= kBatch) chunks.emplace_back();
      auto& c = chunks.back();
      c.batch.push_back(floor_batch);
      c.row.push_back(r.get<int>(0));
      c.hash.push_back(r.get<std::string>(1));
      c.name.push_back(r.get<std::string>(2));
      c.idn.push_back(r.get<std::string>(3));
      c.phone.push_back(r.get<std::string>(4));
      c.session.push_back(r.get<std::string>(5));
    }
  }
  t = Clock::now();
  for (auto& c : chunks) insert(db, c);
  double floor_s = since(t);
  long count = 0;
  {
    auto s = db.session();
    *s << "SELECT COUNT(*) FROM enterprise_roster_bench", soci::into(count);
    *s << "DROP TABLE enterprise_roster_bench";
  }
  std::printf("%-7s roster import %d rows (decode, parse, validate, encrypt, insert) %7.2f s %8.0f rows/s\n",
              label.c_str(), kRows, import_s, kRows / import_s);
  std::printf("%-7s floor: plain bulk insert of the same %d rows               %7.2f s %8.0f rows/s\n", label.c_str(),
              kRows, floor_s, kRows / floor_s);
  std::printf("%-7s import / floor = %.2fx (target <= 3x); rows stored %ld; peak RSS %ld MB (target < 300)\n",
              label.c_str(), import_s / floor_s, count, peak_rss_mb());
}

}  // namespace

int main() {
  init_logging({"error", "", true});
  const std::string csv = roster_data::roster_csv(kRows, "2027-05");
  std::printf("roster CSV: %d rows, %.1f MiB (UTF-8)\n", kRows, csv.size() / 1048576.0);
  auto dir = std::filesystem::temp_directory_path() / ("shiming-roster-bench-" + random_id());
  std::filesystem::create_directories(dir);
  bench("sqlite", "sqlite:" + (dir / "bench.db").string(), csv);
  std::filesystem::remove_all(dir);
  if (const char* base = std::getenv("SHIMING_TEST_MYSQL_URL"); base && *base) {
    bench("mariadb", base, csv);
  } else {
    std::printf("mariadb: skipped (SHIMING_TEST_MYSQL_URL not set; run under scripts/with-mariadb.sh)\n");
  }
  return 0;
}
