// Roster CSV import core of the `enterprise` channel: encoding detection and conversion (UTF-8 or
// GBK/GB18030 via glibc iconv), a streaming RFC 4180 CSV reader, per-row validation (ID number
// through shiming_idnumber, name, phone, exam session, duplicates in the batch and against
// existing cases) and the per-row report as JSON and as CSV with formula injection neutralised.
// Everything is fed in chunks: memory is bounded by the longest record, the duplicate index and
// the issue list (the row limit bounds both).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "shiming/idnumber/id_number.h"

namespace shiming::enterprise {

// One finding. row is the 1-based record number in the file (the header is row 1); field is the
// column key (name, id_number, phone, exam_session, scan_file) or empty for the whole row/file.
struct RowIssue {
  std::size_t row = 0;
  std::string field;
  std::string code;        // machine code, e.g. ROSTER_PHONE_INVALID
  std::string message_en;  // English
  std::string message_zh;  // zh-CN
};

enum class Encoding { unknown, utf8, gbk };

// Streaming conversion of the upload to UTF-8. The encoding is decided on the first bytes: a
// UTF-8 BOM or valid UTF-8 means UTF-8 (then every later chunk must be valid UTF-8 too);
// otherwise GB18030 (a superset of GBK and GB2312, what Chinese spreadsheets export).
class ToUtf8 {
 public:
  ToUtf8();
  ~ToUtf8();
  ToUtf8(const ToUtf8&) = delete;
  ToUtf8& operator=(const ToUtf8&) = delete;

  // Appends the UTF-8 text of `in` to `out`; a sequence cut at the chunk end is kept for the next
  // call. `last`: no more input (a pending partial sequence is an error). Returns false on bytes
  // that are not valid in the detected encoding (error_offset() tells where).
  bool feed(std::string_view in, std::string& out, bool last);
  Encoding encoding() const { return encoding_; }
  std::size_t error_offset() const { return error_offset_; }

 private:
  bool feed_utf8(std::string& out, bool last);
  bool feed_gbk(std::string& out, bool last);
  Encoding encoding_ = Encoding::unknown;
  std::string pending_;       // undecided or incomplete bytes
  std::size_t consumed_ = 0;  // input bytes fully converted so far
  std::size_t error_offset_ = 0;
  void* iconv_ = nullptr;     // iconv_t
};

// Streaming RFC 4180 reader (comma separated, double-quoted fields with "" escapes, CRLF or LF).
class CsvReader {
 public:
  using RecordFn = std::function<bool(std::vector<std::string>& fields, std::size_t record)>;
  CsvReader(RecordFn on_record, std::size_t max_field_bytes);
  // Returns false when the callback stopped the reader or a field exceeded the size limit
  // (error_code() then is ROSTER_FIELD_TOO_LONG) or a quote is not closed at the end
  // (ROSTER_CSV_QUOTE).
  bool feed(std::string_view text);
  bool finish();
  const std::string& error_code() const { return error_; }
  std::size_t record() const { return record_; }

 private:
  bool end_field();
  bool end_record();
  RecordFn on_record_;
  std::size_t max_field_;
  std::vector<std::string> fields_;
  std::string field_;
  enum class State { field_start, unquoted, quoted, quote_in_quoted, after_cr } state_ = State::field_start;
  bool any_ = false;  // anything seen in the current record
  std::size_t record_ = 0;
  std::string error_;
  bool stopped_ = false;
};

struct RosterLimits {
  std::size_t max_rows = 50000;                  // data rows; more refuses the file
  std::size_t max_bytes = 64u * 1024u * 1024u;   // raw upload bytes
  std::size_t max_field_bytes = 512;
  std::size_t max_issues = 100000;               // stored findings (the rest are counted)
};

// A validated data row (UTF-8, trimmed). id_number is the normalised 18-character form when the
// number is valid, else as given.
struct RosterRow {
  std::size_t row = 0;
  std::string name;
  std::string id_number;
  std::string phone;
  std::string exam_session;
  std::string scan_file;
  bool clean = false;
};

struct RosterContext {
  std::set<std::string> exam_sessions;  // allowed session ids; empty: any non-empty value
  // Which of these normalised ID numbers already have a case (in this province). Asked once per
  // `existing_batch` rows to check (one database round trip, not one per row): rows wait in the
  // validator until their batch is answered, then reach on_row in file order.
  std::function<std::unordered_set<std::string>(const std::vector<std::string>& id_numbers)> existing_cases;
  std::size_t existing_batch = 500;
  idnumber::Options id_options;
};

class RosterValidator {
 public:
  RosterValidator(RosterContext context, RosterLimits limits);
  ~RosterValidator();
  // Called for each data row after validation (e.g. to store it), in file order; with
  // existing_cases set a row comes once its batch's check is answered (at the latest in finish(),
  // or before a refusal of the whole file). Returning false stops.
  std::function<bool(const RosterRow&)> on_row;

  // Feed raw upload bytes. Returns false once the file is refused as a whole (fatal() set).
  bool feed(std::string_view bytes);
  bool finish();

  const std::optional<RowIssue>& fatal() const { return fatal_; }
  const std::vector<RowIssue>& issues() const { return issues_; }
  std::size_t issues_dropped() const { return issues_dropped_; }
  std::size_t rows() const { return rows_; }
  std::size_t clean_rows() const { return clean_rows_; }
  std::size_t bytes() const { return bytes_; }
  Encoding encoding() const { return to_utf8_.encoding(); }

 private:
  bool on_record(std::vector<std::string>& fields, std::size_t record);
  bool header(const std::vector<std::string>& fields, std::size_t record);
  void add_issue(std::size_t row, std::string field, std::string code);
  bool fail(std::size_t row, std::string code);
  bool emit(const RosterRow& row);
  // Asks existing_cases for the held rows, adds their ROSTER_ID_EXISTING_CASE issues in file
  // order and passes every held row to on_row. False when on_row stopped.
  bool release_held();

  RosterContext ctx_;
  RosterLimits limits_;
  ToUtf8 to_utf8_;
  std::unique_ptr<CsvReader> csv_;
  std::string text_;
  std::optional<RowIssue> fatal_;
  std::vector<RowIssue> issues_;
  std::size_t issues_dropped_ = 0;
  std::size_t rows_ = 0, clean_rows_ = 0, bytes_ = 0;
  // column index per key; -1 when absent (scan_file is optional)
  int col_name_ = -1, col_id_ = -1, col_phone_ = -1, col_session_ = -1, col_scan_ = -1;
  std::size_t columns_ = 0;
  std::unordered_map<std::string, std::size_t> seen_ids_;  // normalised ID -> first row
  // Rows waiting for the existing-case answer: the row, whether its ID is to be checked, and where
  // its ROSTER_ID_EXISTING_CASE issue goes in issues_ (before the row's later fields' issues).
  struct Held {
    RosterRow row;
    bool check = false;
    std::size_t issue_at = 0;
  };
  std::vector<Held> held_;
  std::size_t held_checks_ = 0;
  bool stopped_ = false;  // on_row returned false
};

// Messages for the roster codes (English, zh-CN); empty strings for an unknown code.
std::pair<std::string_view, std::string_view> roster_message(std::string_view code);

// A spreadsheet cell that cannot be read as a formula: a value starting with = + - @ TAB or CR
// gets a leading apostrophe.
std::string neutralise_cell(std::string_view value);

// The report: {"rows":N,"clean_rows":N,"issues":[{"row","field","code","message","message_zh"}]}
std::string report_json(const RosterValidator& v);
// CSV with header row,field,code,message,message_zh; every cell neutralised and quoted as needed.
std::string report_csv(const RosterValidator& v);

// One line (CRLF-terminated) of the HR roster export: row, name, masked ID number (first 3 and
// last 4), masked phone (first 3 and last 4), exam session, scan file, status ("clean"/"flagged").
// Every cell is neutralised (the values come from the uploaded file).
std::string export_row_csv(const RosterRow& row);
std::string mask_middle(std::string_view value, std::size_t keep_front, std::size_t keep_back);

}  // namespace shiming::enterprise
