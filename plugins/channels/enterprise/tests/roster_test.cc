// Roster import core: encodings, CSV, row rules, limits and the reports.
#include <gtest/gtest.h>
#include <iconv.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "roster.h"

namespace shiming::enterprise {
namespace {

// A valid 18-digit number for Dongcheng, Beijing, born 1990-01-01, sequence `seq` (0..999).
std::string make_id(int seq) {
  char first17[32];
  std::snprintf(first17, sizeof first17, "11010119900101%03d", seq % 1000);
  return std::string(first17) + idnumber::check_character(first17);
}

RosterContext context() {
  RosterContext c;
  c.exam_sessions = {"2027-05"};
  c.id_options.today = std::chrono::year_month_day{std::chrono::year{2026}, std::chrono::month{11}, std::chrono::day{1}};
  c.id_options.min_age = 16;
  return c;
}

struct Run {
  std::vector<RosterRow> rows;
  bool ok = false;
};

Run run(RosterValidator& v, std::string_view data, std::size_t chunk = 4096) {
  Run r;
  v.on_row = [&](const RosterRow& row) {
    r.rows.push_back(row);
    return true;
  };
  bool ok = true;
  for (std::size_t i = 0; i < data.size() && ok; i += chunk) ok = v.feed(data.substr(i, chunk));
  r.ok = ok && v.finish();
  return r;
}

std::string to_gbk(const std::string& utf8) {
  iconv_t cd = iconv_open("GBK", "UTF-8");
  EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string in = utf8, out(utf8.size() * 2 + 16, '\0');
  char* ip = in.data();
  char* op = out.data();
  std::size_t il = in.size(), ol = out.size();
  EXPECT_NE(iconv(cd, &ip, &il, &op, &ol), static_cast<std::size_t>(-1));
  iconv_close(cd);
  out.resize(out.size() - ol);
  return out;
}

std::vector<std::string> codes(const RosterValidator& v) {
  std::vector<std::string> out;
  for (const auto& i : v.issues()) out.push_back(std::to_string(i.row) + ":" + i.field + ":" + i.code);
  return out;
}

TEST(Roster, CleanUtf8WithBomQuotesAndChineseHeader) {
  std::string csv = "\xEF\xBB\xBF姓名,身份证号,手机号,考试场次\r\n";
  csv += "张三," + make_id(1) + ",13800138000,2027-05\r\n";
  csv += "\"李, 四\",\"" + make_id(2) + "\",+86 139-0013-9000,2027-05\r\n";
  csv += "\r\n";  // blank line: not a row
  int x_seq = 3;
  while (make_id(x_seq).back() != 'X') ++x_seq;
  csv += "欧阳·娜娜," + make_id(x_seq).substr(0, 17) + "x,15000000000,2027-05";  // lower-case x, no final newline
  RosterValidator v(context(), {});
  auto r = run(v, csv, 7);
  ASSERT_TRUE(r.ok) << report_json(v);
  EXPECT_EQ(v.encoding(), Encoding::utf8);
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(v.clean_rows(), 3u) << report_json(v);
  EXPECT_EQ(r.rows[1].name, "李, 四");
  EXPECT_EQ(r.rows[1].phone, "13900139000");
  EXPECT_EQ(r.rows[2].id_number, make_id(x_seq));
  EXPECT_EQ(r.rows[2].row, 5u);  // header is row 1, the blank line is skipped
}

TEST(Roster, CleanUtf8) {
  std::string csv = "name,id_number,phone,exam_session\n";
  for (int i = 0; i < 5; ++i) csv += "王五" + std::to_string(i) + "号," + make_id(i) + ",13800138000,2027-05\n";
  RosterValidator v(context(), {});
  auto r = run(v, csv);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.rows.size(), 5u);
  // digits in the name are not allowed
  EXPECT_EQ(v.clean_rows(), 0u);
  EXPECT_EQ(codes(v)[0], "2:name:ROSTER_NAME_INVALID");
}

TEST(Roster, GbkDetectedAndConvertedAcrossChunkBoundaries) {
  std::string utf8 = "姓名,身份证号,手机号,考试场次\n";
  for (int i = 0; i < 300; ++i) utf8 += "赵钱孙李," + make_id(i) + ",13800138000,2027-05\n";
  std::string gbk = to_gbk(utf8);
  ASSERT_NE(gbk, utf8);
  RosterValidator v(context(), {});
  auto r = run(v, gbk, 3);  // odd chunk size: two-byte characters split between feeds
  ASSERT_TRUE(r.ok) << report_json(v);
  EXPECT_EQ(v.encoding(), Encoding::gbk);
  ASSERT_EQ(r.rows.size(), 300u);
  EXPECT_EQ(v.clean_rows(), 300u);
  EXPECT_EQ(r.rows[0].name, "赵钱孙李");
  EXPECT_EQ(nlohmann::json::parse(report_json(v))["encoding"], "gbk");
}

TEST(Roster, BrokenEncodingRefused) {
  std::string csv = "name,id_number,phone,exam_session\n张三,\xFF\xFE\xFF,13800138000,2027-05\n";
  RosterValidator v(context(), {});
  auto r = run(v, csv);
  EXPECT_FALSE(r.ok);
  ASSERT_TRUE(v.fatal());
  EXPECT_EQ(v.fatal()->code, "ROSTER_ENCODING");
  EXPECT_FALSE(v.fatal()->message_zh.empty());
  // valid UTF-8 at first, then a broken byte far after the detection window
  std::string late = "name,id_number,phone,exam_session\n";
  while (late.size() < 10000) late += "张三," + make_id(1) + ",13800138000,2027-05\n";
  late += "\xC3(,x,y,z\n";
  RosterValidator v2(context(), {});
  EXPECT_FALSE(run(v2, late).ok);
  ASSERT_TRUE(v2.fatal());
  EXPECT_EQ(v2.fatal()->code, "ROSTER_ENCODING");
}

TEST(Roster, WrongColumnCountIsARowIssue) {
  std::string csv = "name,id_number,phone,exam_session\n张三," + make_id(1) + ",13800138000\n李四," + make_id(2) +
                    ",13800138000,2027-05,extra\n王五," + make_id(3) + ",13800138000,2027-05\n";
  RosterValidator v(context(), {});
  auto r = run(v, csv);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(codes(v), (std::vector<std::string>{"2::ROSTER_COLUMN_COUNT", "3::ROSTER_COLUMN_COUNT"}));
  EXPECT_EQ(v.clean_rows(), 1u);
}

TEST(Roster, FieldRules) {
  std::string bad_check = make_id(5);
  bad_check.back() = bad_check.back() == '0' ? '1' : '0';
  std::string csv = "name,id_number,phone,exam_session,scan_file\n";
  csv += "," + make_id(1) + ",13800138000,2027-05,\n";                 // 2 name missing
  csv += "张三,,13800138000,2027-05,\n";                                // 3 id missing
  csv += "张三," + bad_check + ",13800138000,2027-05,\n";              // 4 check character
  csv += "张三," + make_id(6) + ",12345,2027-05,\n";                    // 5 phone
  csv += "张三," + make_id(7) + ",13800138000,2030-01,\n";              // 6 session not open
  csv += "张三," + make_id(8) + ",13800138000,2027-05,../etc/passwd\n"; // 7 scan name
  csv += "张三," + make_id(9) + ",13800138000,2027-05,zhang.jpg\n";     // 8 clean
  RosterValidator v(context(), {});
  auto r = run(v, csv);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(codes(v), (std::vector<std::string>{"2:name:ROSTER_NAME_MISSING", "3:id_number:ROSTER_ID_MISSING",
                                                "4:id_number:ID_CHECK_CHARACTER", "5:phone:ROSTER_PHONE_INVALID",
                                                "6:exam_session:ROSTER_SESSION_INVALID",
                                                "7:scan_file:ROSTER_SCAN_NAME_INVALID"}));
  EXPECT_EQ(v.clean_rows(), 1u);
  ASSERT_EQ(r.rows.size(), 7u);
  EXPECT_TRUE(r.rows[6].clean);
  EXPECT_EQ(r.rows[6].scan_file, "zhang.jpg");
  for (const auto& i : v.issues()) {
    EXPECT_FALSE(i.message_en.empty()) << i.code;
    EXPECT_FALSE(i.message_zh.empty()) << i.code;
  }
}

TEST(Roster, DuplicatesInBatchAndAgainstExistingCases) {
  RosterContext c = context();
  const std::string existing = make_id(42);
  c.existing_cases = [&](const std::vector<std::string>& ids) {
    std::unordered_set<std::string> out;
    for (const auto& id : ids)
      if (id == existing) out.insert(id);
    return out;
  };
  std::string csv = "name,id_number,phone,exam_session\n";
  csv += "张三," + make_id(1) + ",13800138000,2027-05\n";
  csv += "李四," + make_id(1) + ",13800138001,2027-05\n";
  csv += "王五," + existing + ",13800138002,2027-05\n";
  // the same number as a 15-digit legacy number is the same person
  csv += "赵六,110101900101001,13800138003,2027-05\n";
  RosterValidator v(c, {});
  auto r = run(v, csv);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(codes(v), (std::vector<std::string>{"3:id_number:ROSTER_ID_DUPLICATE", "4:id_number:ROSTER_ID_EXISTING_CASE",
                                                "5:id_number:ROSTER_ID_DUPLICATE"}));
}

// The check against existing cases is asked once per batch of rows (one round trip to the hub's
// database, not one per row); the rows still reach on_row in file order with the right clean
// flag, and each row's issues keep the order of its fields.
TEST(Roster, ExistingCasesAskedPerBatchInFileOrder) {
  RosterContext c = context();
  c.existing_batch = 3;
  std::set<std::string> existing = {make_id(2), make_id(5), make_id(7)};
  std::vector<std::size_t> asked;
  c.existing_cases = [&](const std::vector<std::string>& ids) {
    asked.push_back(ids.size());
    std::unordered_set<std::string> out;
    for (const auto& id : ids)
      if (existing.count(id)) out.insert(id);
    return out;
  };
  std::string csv = "name,id_number,phone,exam_session\n";
  for (int i = 1; i <= 8; ++i) {
    // row 4 (i = 3) has a bad phone; row 6 (i = 5) an existing case and a bad phone; row 9 is a
    // duplicate of row 2 (not asked again)
    std::string phone = (i == 3 || i == 5) ? "12345" : "13800138000";
    csv += "张三," + make_id(i) + "," + phone + ",2027-05\n";
  }
  csv += "李四," + make_id(1) + ",13800138000,2027-05\n";
  RosterValidator v(c, {});
  auto r = run(v, csv, 7);  // small chunks: rows end in the middle of feeds
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(asked, (std::vector<std::size_t>{3, 3, 2}));
  EXPECT_EQ(codes(v), (std::vector<std::string>{"3:id_number:ROSTER_ID_EXISTING_CASE", "4:phone:ROSTER_PHONE_INVALID",
                                                "6:id_number:ROSTER_ID_EXISTING_CASE", "6:phone:ROSTER_PHONE_INVALID",
                                                "8:id_number:ROSTER_ID_EXISTING_CASE",
                                                "10:id_number:ROSTER_ID_DUPLICATE"}));
  ASSERT_EQ(r.rows.size(), 9u);
  std::vector<bool> clean;
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    EXPECT_EQ(r.rows[i].row, i + 2);
    clean.push_back(r.rows[i].clean);
  }
  EXPECT_EQ(clean, (std::vector<bool>{true, false, false, true, false, true, false, true, false}));
  EXPECT_EQ(v.clean_rows(), 4u);
}

// A file refused as a whole after some rows (here: too many rows) still hands the rows read before
// the refusal to on_row, with their existing-case answer, as without the batching.
TEST(Roster, HeldRowsReleasedBeforeARefusal) {
  RosterContext c = context();
  c.existing_batch = 100;
  const std::string existing = make_id(2);
  c.existing_cases = [&](const std::vector<std::string>& ids) {
    std::unordered_set<std::string> out;
    for (const auto& id : ids)
      if (id == existing) out.insert(id);
    return out;
  };
  RosterLimits limits;
  limits.max_rows = 3;
  std::string csv = "name,id_number,phone,exam_session\n";
  for (int i = 1; i <= 5; ++i) csv += "张三," + make_id(i) + ",13800138000,2027-05\n";
  RosterValidator v(c, limits);
  auto r = run(v, csv);
  EXPECT_FALSE(r.ok);
  ASSERT_TRUE(v.fatal());
  EXPECT_EQ(v.fatal()->code, "ROSTER_TOO_MANY_ROWS");
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_TRUE(r.rows[0].clean);
  EXPECT_FALSE(r.rows[1].clean);
  EXPECT_TRUE(r.rows[2].clean);
  EXPECT_EQ(codes(v), (std::vector<std::string>{"3:id_number:ROSTER_ID_EXISTING_CASE"}));
}

// A stop asked by on_row (the host is shutting down) ends the import: no later row is handed over.
TEST(Roster, StopFromOnRowWithHeldRows) {
  RosterContext c = context();
  c.existing_batch = 2;
  c.existing_cases = [](const std::vector<std::string>&) { return std::unordered_set<std::string>{}; };
  std::string csv = "name,id_number,phone,exam_session\n";
  for (int i = 1; i <= 6; ++i) csv += "张三," + make_id(i) + ",13800138000,2027-05\n";
  RosterValidator v(c, {});
  std::vector<std::size_t> seen;
  v.on_row = [&](const RosterRow& row) {
    seen.push_back(row.row);
    return seen.size() < 3;
  };
  bool ok = v.feed(csv);
  if (ok) ok = v.finish();
  EXPECT_FALSE(ok);
  EXPECT_EQ(seen, (std::vector<std::size_t>{2, 3, 4}));
}

TEST(Roster, FormulaInjectionNeutralisedInReportAndExport) {
  for (std::string_view p : {"=", "+", "-", "@", "\t", "\r"}) {
    std::string v = std::string(p) + "cmd|' /C calc'!A0";
    EXPECT_EQ(neutralise_cell(v), "'" + v);
  }
  EXPECT_EQ(neutralise_cell("张三"), "张三");
  std::string csv = "name,id_number,phone,exam_session\n\"=cmd|' /C calc'!A0\"," + make_id(1) + ",13800138000,2027-05\n";
  RosterValidator v(context(), {});
  auto r = run(v, csv);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(codes(v), (std::vector<std::string>{"2:name:ROSTER_NAME_INVALID"}));
  ASSERT_EQ(r.rows.size(), 1u);
  std::string line = export_row_csv(r.rows[0]);
  EXPECT_EQ(line.find(",=cmd"), std::string::npos);
  EXPECT_NE(line.find(",'=cmd|' /C calc'!A0,"), std::string::npos) << line;
  // the ID number and phone are masked in the export
  EXPECT_EQ(line.find(make_id(1)), std::string::npos);
  EXPECT_NE(line.find("110***********" + make_id(1).substr(14)), std::string::npos) << line;
  EXPECT_NE(line.find("138****8000"), std::string::npos) << line;
  // the report CSV: header plus one line; no cell starts with a formula character
  std::string rep = report_csv(v);
  EXPECT_EQ(rep.rfind("row,field,code,message,message_zh\r\n", 0), 0u);
  EXPECT_NE(rep.find("2,name,ROSTER_NAME_INVALID,"), std::string::npos) << rep;
}

TEST(Roster, MillionRowsRefusedAtTheLimitWithoutReadingThemAll) {
  RosterLimits limits;
  limits.max_rows = 2000;
  RosterValidator v(context(), limits);
  std::size_t stored = 0;
  v.on_row = [&](const RosterRow&) {
    ++stored;
    return true;
  };
  ASSERT_TRUE(v.feed("name,id_number,phone,exam_session\n"));
  std::size_t fed = 0;
  bool ok = true;
  std::string chunk;
  for (int i = 0; i < 1000000 && ok; i += 1000) {
    chunk.clear();
    for (int k = 0; k < 1000; ++k) chunk += "张三," + make_id(i + k) + ",13800138000,2027-05\n";
    ok = v.feed(chunk);
    fed += 1000;
  }
  EXPECT_FALSE(ok);
  EXPECT_LT(fed, 10000u);  // stopped soon after the limit
  ASSERT_TRUE(v.fatal());
  EXPECT_EQ(v.fatal()->code, "ROSTER_TOO_MANY_ROWS");
  EXPECT_EQ(v.fatal()->row, 2002u);
  EXPECT_EQ(stored, 2000u);
  EXPECT_FALSE(v.finish());
  EXPECT_EQ(nlohmann::json::parse(report_json(v))["error"]["code"], "ROSTER_TOO_MANY_ROWS");
}

TEST(Roster, ByteLimitFieldLimitQuotesHeader) {
  RosterLimits small;
  small.max_bytes = 100;
  RosterValidator a(context(), small);
  EXPECT_FALSE(run(a, std::string(200, 'a')).ok);
  EXPECT_EQ(a.fatal()->code, "ROSTER_TOO_LARGE");

  RosterValidator b(context(), {});
  EXPECT_FALSE(run(b, "name,id_number,phone,exam_session\n" + std::string(5000, 'x') + ",1,2,3\n").ok);
  EXPECT_EQ(b.fatal()->code, "ROSTER_FIELD_TOO_LONG");
  EXPECT_EQ(b.fatal()->row, 2u);

  RosterValidator c(context(), {});
  EXPECT_FALSE(run(c, "name,id_number,phone,exam_session\n\"open,1,2,3\n").ok);
  EXPECT_EQ(c.fatal()->code, "ROSTER_CSV_QUOTE");

  RosterValidator d(context(), {});
  EXPECT_FALSE(run(d, "a,b,c\n1,2,3\n").ok);
  EXPECT_EQ(d.fatal()->code, "ROSTER_HEADER");

  RosterValidator e(context(), {});
  EXPECT_FALSE(run(e, "").ok);
  EXPECT_EQ(e.fatal()->code, "ROSTER_EMPTY");
}

}  // namespace
}  // namespace shiming::enterprise
