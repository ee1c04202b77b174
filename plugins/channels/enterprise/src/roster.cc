#include "roster.h"

#include <iconv.h>

#include <cerrno>
#include <nlohmann/json.hpp>

namespace shiming::enterprise {
namespace {

enum class Utf8Scan { ok, incomplete, invalid };

// Scans s; `valid` is set to the length of the longest prefix of complete valid sequences.
Utf8Scan scan_utf8(std::string_view s, std::size_t& valid) {
  std::size_t i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  while (i < s.size()) {
    unsigned char c = p[i];
    std::size_t n = 0;
    unsigned lo = 0x80, hi = 0xBF;
    if (c < 0x80) { ++i; continue; }
    if (c >= 0xC2 && c <= 0xDF) n = 1;
    else if (c == 0xE0) { n = 2; lo = 0xA0; }
    else if (c >= 0xE1 && c <= 0xEC) n = 2;
    else if (c == 0xED) { n = 2; hi = 0x9F; }
    else if (c >= 0xEE && c <= 0xEF) n = 2;
    else if (c == 0xF0) { n = 3; lo = 0x90; }
    else if (c >= 0xF1 && c <= 0xF3) n = 3;
    else if (c == 0xF4) { n = 3; hi = 0x8F; }
    else { valid = i; return Utf8Scan::invalid; }
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) { valid = i; return Utf8Scan::incomplete; }
      unsigned char d = p[i + k];
      unsigned l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
      if (d < l || d > h) { valid = i; return Utf8Scan::invalid; }
    }
    i += n + 1;
  }
  valid = i;
  return Utf8Scan::ok;
}

std::string trim(std::string_view s) {
  // ASCII whitespace and U+3000 (ideographic space) at both ends.
  auto ws_front = [&](std::string_view& v) {
    while (!v.empty()) {
      if (v[0] == ' ' || v[0] == '\t' || v[0] == '\r' || v[0] == '\n') v.remove_prefix(1);
      else if (v.substr(0, 3) == "\xE3\x80\x80") v.remove_prefix(3);
      else break;
    }
  };
  auto ws_back = [&](std::string_view& v) {
    while (!v.empty()) {
      char c = v.back();
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') v.remove_suffix(1);
      else if (v.size() >= 3 && v.substr(v.size() - 3) == "\xE3\x80\x80") v.remove_suffix(3);
      else break;
    }
  };
  ws_front(s);
  ws_back(s);
  return std::string(s);
}

std::size_t utf8_chars(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

struct Msg { std::string_view code, en, zh; };
constexpr Msg kMessages[] = {
    {"ROSTER_ENCODING", "The file is neither valid UTF-8 nor GBK text.", "文件既不是有效的 UTF-8 也不是 GBK 文本。"},
    {"ROSTER_TOO_LARGE", "The file is larger than allowed.", "文件超过允许的大小。"},
    {"ROSTER_TOO_MANY_ROWS", "The roster has more rows than allowed.", "名单行数超过允许的上限。"},
    {"ROSTER_FIELD_TOO_LONG", "A field is longer than allowed.", "某个字段超过允许的长度。"},
    {"ROSTER_CSV_QUOTE", "A quoted field is not closed.", "带引号的字段没有结束引号。"},
    {"ROSTER_EMPTY", "The file has no header row.", "文件没有表头行。"},
    {"ROSTER_HEADER", "The header must name the columns name, id_number, phone and exam_session (or 姓名, 身份证号, 手机号, 考试场次).",
     "表头必须包含 name、id_number、phone、exam_session（或 姓名、身份证号、手机号、考试场次）列。"},
    {"ROSTER_COLUMN_COUNT", "The row has a different number of columns than the header.", "该行的列数与表头不一致。"},
    {"ROSTER_NAME_MISSING", "The name is missing.", "缺少姓名。"},
    {"ROSTER_NAME_INVALID", "The name contains characters that are not allowed or is too long.", "姓名包含不允许的字符或过长。"},
    {"ROSTER_ID_MISSING", "The ID number is missing.", "缺少身份证号。"},
    {"ROSTER_ID_DUPLICATE", "The ID number appears more than once in this roster.", "该身份证号在本名单中重复出现。"},
    {"ROSTER_ID_EXISTING_CASE", "A case already exists for this ID number.", "该身份证号已有核验案件。"},
    {"ROSTER_PHONE_INVALID", "The phone number is not a mainland mobile number (11 digits starting with 1).", "手机号不是有效的大陆手机号码（以 1 开头的 11 位数字）。"},
    {"ROSTER_SESSION_INVALID", "The exam session is missing or not open in this province.", "考试场次缺失或本省未开放该场次。"},
    {"ROSTER_SCAN_MISSING", "The scan named in the row is not in the ZIP file.", "该行所列扫描件不在 ZIP 文件中。"},
    {"ZIP_INVALID", "The ZIP file cannot be read.", "无法读取 ZIP 文件。"},
    {"ZIP_PATH_UNSAFE", "The ZIP file contains an unsafe path (absolute or with ../).", "ZIP 文件包含不安全的路径（绝对路径或含 ../）。"},
    {"ZIP_BOMB", "The ZIP file inflates beyond the size or compression-ratio limits.", "ZIP 文件解压后超过大小或压缩比限制。"},
    {"ZIP_TOO_MANY_ENTRIES", "The ZIP file has more entries than allowed.", "ZIP 文件中的条目数超过上限。"},
    {"ROSTER_SCAN_NAME_INVALID", "The scan file name must be a plain file name.", "扫描件文件名必须是简单文件名。"},
};

}  // namespace

std::pair<std::string_view, std::string_view> roster_message(std::string_view code) {
  for (const auto& m : kMessages)
    if (m.code == code) return {m.en, m.zh};
  if (code.starts_with("ID_")) {
    auto a = idnumber::advice_for(code);
    return {a.message, a.message_zh};
  }
  return {};
}

// ---- ToUtf8 ----

ToUtf8::ToUtf8() = default;
ToUtf8::~ToUtf8() {
  if (iconv_) iconv_close(static_cast<iconv_t>(iconv_));
}

bool ToUtf8::feed(std::string_view in, std::string& out, bool last) {
  pending_.append(in);
  if (encoding_ == Encoding::unknown) {
    // Decide on at least 4 KiB (or everything at the end).
    if (pending_.size() < 4096 && !last) return true;
    std::size_t valid = 0;
    auto r = scan_utf8(pending_, valid);
    if (r == Utf8Scan::ok || (r == Utf8Scan::incomplete && !last)) {
      encoding_ = Encoding::utf8;
      if (pending_.starts_with("\xEF\xBB\xBF")) {
        pending_.erase(0, 3);
        consumed_ += 3;
      }
    } else {
      encoding_ = Encoding::gbk;
      iconv_t cd = iconv_open("UTF-8", "GB18030");
      if (cd == reinterpret_cast<iconv_t>(-1)) {
        error_offset_ = 0;
        return false;
      }
      iconv_ = cd;
    }
  }
  return encoding_ == Encoding::utf8 ? feed_utf8(out, last) : feed_gbk(out, last);
}

bool ToUtf8::feed_utf8(std::string& out, bool last) {
  std::size_t valid = 0;
  auto r = scan_utf8(pending_, valid);
  out.append(pending_, 0, valid);
  consumed_ += valid;
  pending_.erase(0, valid);
  if (r == Utf8Scan::invalid || (r == Utf8Scan::incomplete && last)) {
    error_offset_ = consumed_;
    return false;
  }
  return true;
}

bool ToUtf8::feed_gbk(std::string& out, bool last) {
  auto cd = static_cast<iconv_t>(iconv_);
  char* inp = pending_.data();
  std::size_t inleft = pending_.size();
  char buf[16384];
  while (inleft > 0) {
    char* outp = buf;
    std::size_t outleft = sizeof buf;
    std::size_t rc = iconv(cd, &inp, &inleft, &outp, &outleft);
    out.append(buf, static_cast<std::size_t>(outp - buf));
    if (rc != static_cast<std::size_t>(-1)) continue;
    if (errno == E2BIG) continue;
    if (errno == EINVAL && !last) break;  // incomplete sequence at the end: keep it
    error_offset_ = consumed_ + static_cast<std::size_t>(inp - pending_.data());
    return false;
  }
  std::size_t used = static_cast<std::size_t>(inp - pending_.data());
  consumed_ += used;
  pending_.erase(0, used);
  return true;
}

// ---- CsvReader ----

CsvReader::CsvReader(RecordFn on_record, std::size_t max_field_bytes)
    : on_record_(std::move(on_record)), max_field_(max_field_bytes) {}

bool CsvReader::end_field() {
  fields_.push_back(std::move(field_));
  field_.clear();
  return true;
}

bool CsvReader::end_record() {
  end_field();
  ++record_;
  bool blank = !any_;
  any_ = false;
  if (!blank && !on_record_(fields_, record_)) stopped_ = true;
  // a blank line is no record but keeps its row number (as a spreadsheet shows it)
  fields_.clear();
  state_ = State::field_start;
  return !stopped_;
}

bool CsvReader::feed(std::string_view text) {
  if (stopped_ || !error_.empty()) return false;
  for (char c : text) {
    if (state_ == State::after_cr) {
      state_ = State::field_start;
      if (c == '\n') continue;
    }
    switch (state_) {
      case State::field_start:
        if (c == '"') { state_ = State::quoted; any_ = true; continue; }
        [[fallthrough]];
      case State::unquoted:
        if (c == ',') { any_ = true; end_field(); state_ = State::field_start; }
        else if (c == '\n' || c == '\r') {
          if (!end_record()) return false;
          if (c == '\r') state_ = State::after_cr;
        } else { field_.push_back(c); any_ = true; state_ = State::unquoted; }
        break;
      case State::quoted:
        if (c == '"') state_ = State::quote_in_quoted;
        else field_.push_back(c);
        break;
      case State::quote_in_quoted:
        if (c == '"') { field_.push_back('"'); state_ = State::quoted; }
        else if (c == ',') { end_field(); state_ = State::field_start; }
        else if (c == '\n' || c == '\r') {
          if (!end_record()) return false;
          if (c == '\r') state_ = State::after_cr;
        } else { field_.push_back(c); state_ = State::unquoted; }  // lenient: text after a quote
        break;
      case State::after_cr:
        break;
    }
    if (field_.size() > max_field_) {
      error_ = "ROSTER_FIELD_TOO_LONG";
      record_ += 1;
      return false;
    }
  }
  return true;
}

bool CsvReader::finish() {
  if (stopped_ || !error_.empty()) return false;
  if (state_ == State::quoted) {
    error_ = "ROSTER_CSV_QUOTE";
    record_ += 1;
    return false;
  }
  if (any_ || !field_.empty()) return end_record();
  return true;
}

// ---- RosterValidator ----

RosterValidator::RosterValidator(RosterContext context, RosterLimits limits)
    : ctx_(std::move(context)), limits_(limits) {
  csv_ = std::make_unique<CsvReader>(
      [this](std::vector<std::string>& f, std::size_t r) { return on_record(f, r); }, limits_.max_field_bytes);
}
RosterValidator::~RosterValidator() = default;

bool RosterValidator::fail(std::size_t row, std::string code) {
  // The rows read before the refusal are reported as they would have been without holding them.
  if (!stopped_) release_held();
  auto [en, zh] = roster_message(code);
  fatal_ = RowIssue{row, "", std::move(code), std::string(en), std::string(zh)};
  return false;
}

void RosterValidator::add_issue(std::size_t row, std::string field, std::string code) {
  if (issues_.size() >= limits_.max_issues) {
    ++issues_dropped_;
    return;
  }
  auto [en, zh] = roster_message(code);
  issues_.push_back(RowIssue{row, std::move(field), std::move(code), std::string(en), std::string(zh)});
}

bool RosterValidator::feed(std::string_view bytes) {
  if (fatal_) return false;
  bytes_ += bytes.size();
  if (bytes_ > limits_.max_bytes) return fail(0, "ROSTER_TOO_LARGE");
  text_.clear();
  if (!to_utf8_.feed(bytes, text_, false)) return fail(csv_->record() + 1, "ROSTER_ENCODING");
  if (!csv_->feed(text_)) {
    if (!fatal_) return fail(csv_->record(), csv_->error_code());
    return false;
  }
  return true;
}

bool RosterValidator::finish() {
  if (fatal_) return false;
  text_.clear();
  if (!to_utf8_.feed({}, text_, true)) return fail(csv_->record() + 1, "ROSTER_ENCODING");
  if (!csv_->feed(text_) || !csv_->finish()) {
    if (!fatal_) return fail(csv_->record(), csv_->error_code());
    return false;
  }
  if (columns_ == 0) return fail(1, "ROSTER_EMPTY");
  return release_held();
}

bool RosterValidator::header(const std::vector<std::string>& fields, std::size_t record) {
  columns_ = fields.size();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    std::string h = trim(fields[i]);
    if (i == 0 && h.starts_with("\xEF\xBB\xBF")) h.erase(0, 3);
    for (auto& ch : h) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    int idx = static_cast<int>(i);
    if (h == "name" || h == "姓名") col_name_ = idx;
    else if (h == "id_number" || h == "身份证号" || h == "身份证号码") col_id_ = idx;
    else if (h == "phone" || h == "手机号" || h == "手机号码") col_phone_ = idx;
    else if (h == "exam_session" || h == "考试场次") col_session_ = idx;
    else if (h == "scan_file" || h == "扫描件") col_scan_ = idx;
  }
  if (col_name_ < 0 || col_id_ < 0 || col_phone_ < 0 || col_session_ < 0) return fail(record, "ROSTER_HEADER");
  return true;
}

bool RosterValidator::on_record(std::vector<std::string>& fields, std::size_t record) {
  if (columns_ == 0) return header(fields, record);
  ++rows_;
  if (rows_ > limits_.max_rows) return fail(record, "ROSTER_TOO_MANY_ROWS");
  std::size_t before = issues_.size() + issues_dropped_;
  bool check_existing = false;
  std::size_t existing_issue_at = 0;
  RosterRow row;
  row.row = record;
  if (fields.size() != columns_) {
    add_issue(record, "", "ROSTER_COLUMN_COUNT");
  } else {
    row.name = trim(fields[static_cast<std::size_t>(col_name_)]);
    row.id_number = trim(fields[static_cast<std::size_t>(col_id_)]);
    row.phone = trim(fields[static_cast<std::size_t>(col_phone_)]);
    row.exam_session = trim(fields[static_cast<std::size_t>(col_session_)]);
    if (col_scan_ >= 0) row.scan_file = trim(fields[static_cast<std::size_t>(col_scan_)]);

    // Name: 1-50 characters, no digits, control characters or markup/formula characters.
    if (row.name.empty()) {
      add_issue(record, "name", "ROSTER_NAME_MISSING");
    } else {
      bool ok = utf8_chars(row.name) <= 50;
      for (unsigned char c : row.name)
        if (c < 0x20 || c == 0x7F || (c >= '0' && c <= '9') || std::string_view("=+@<>\"';|\\").find(static_cast<char>(c)) != std::string_view::npos)
          ok = false;
      if (!ok) add_issue(record, "name", "ROSTER_NAME_INVALID");
    }
    // ID number: the id_number verifier's rules (GB 11643-1999).
    if (row.id_number.empty()) {
      add_issue(record, "id_number", "ROSTER_ID_MISSING");
    } else {
      auto check = idnumber::check(row.id_number, ctx_.id_options);
      if (!check.valid || !check.age_ok) {
        for (const auto& c : check.checks)
          if (!c.ok && c.rule != "region" && c.rule != "sex") {
            add_issue(record, "id_number", c.code);
            break;
          }
      } else {
        row.id_number = check.normalized;
        auto [it, inserted] = seen_ids_.emplace(row.id_number, record);
        if (!inserted) add_issue(record, "id_number", "ROSTER_ID_DUPLICATE");
        else if (ctx_.existing_cases) check_existing = true;
      }
    }
    existing_issue_at = issues_.size();
    // Phone: mainland mobile, optionally with +86 / 86 and separators.
    {
      std::string digits;
      std::string_view p = row.phone;
      if (p.starts_with("+86")) p.remove_prefix(3);
      bool ok = true;
      for (char c : p) {
        if (c >= '0' && c <= '9') digits.push_back(c);
        else if (c != ' ' && c != '-') ok = false;
      }
      if (ok && digits.size() == 13 && digits.starts_with("86")) digits.erase(0, 2);
      ok = ok && digits.size() == 11 && digits[0] == '1' && digits[1] >= '3';
      if (!ok) add_issue(record, "phone", "ROSTER_PHONE_INVALID");
      else row.phone = digits;
    }
    if (row.exam_session.empty() ||
        (!ctx_.exam_sessions.empty() && !ctx_.exam_sessions.contains(row.exam_session)))
      add_issue(record, "exam_session", "ROSTER_SESSION_INVALID");
    if (!row.scan_file.empty() &&
        (row.scan_file.find('/') != std::string::npos || row.scan_file.find('\\') != std::string::npos ||
         row.scan_file == "." || row.scan_file == ".."))
      add_issue(record, "scan_file", "ROSTER_SCAN_NAME_INVALID");
  }
  row.clean = issues_.size() + issues_dropped_ == before;
  if (!ctx_.existing_cases) return emit(row);
  held_.push_back({std::move(row), check_existing, existing_issue_at});
  if (check_existing && ++held_checks_ >= std::max<std::size_t>(1, ctx_.existing_batch)) return release_held();
  return true;
}

bool RosterValidator::emit(const RosterRow& row) {
  if (row.clean) ++clean_rows_;
  if (on_row && !on_row(row)) {
    stopped_ = true;
    return false;
  }
  return true;
}

bool RosterValidator::release_held() {
  if (held_.empty()) return true;
  std::vector<std::string> ids;
  ids.reserve(held_checks_);
  for (const auto& h : held_)
    if (h.check) ids.push_back(h.row.id_number);
  std::unordered_set<std::string> existing;
  if (!ids.empty()) existing = ctx_.existing_cases(ids);
  // The issues go where the row's own check would have put them; each insertion shifts the later
  // rows' positions by one.
  std::size_t shift = 0;
  for (auto& h : held_) {
    if (!h.check || !existing.count(h.row.id_number)) continue;
    h.row.clean = false;
    if (issues_.size() >= limits_.max_issues) {
      ++issues_dropped_;
      continue;
    }
    auto [en, zh] = roster_message("ROSTER_ID_EXISTING_CASE");
    issues_.insert(issues_.begin() + static_cast<std::ptrdiff_t>(h.issue_at + shift),
                   RowIssue{h.row.row, "id_number", "ROSTER_ID_EXISTING_CASE", std::string(en), std::string(zh)});
    ++shift;
  }
  std::vector<Held> rows = std::move(held_);
  held_.clear();
  held_checks_ = 0;
  for (const auto& h : rows)
    if (!emit(h.row)) return false;
  return true;
}

// ---- report ----

std::string neutralise_cell(std::string_view value) {
  std::string out;
  if (!value.empty() && std::string_view("=+-@\t\r").find(value[0]) != std::string_view::npos) out.push_back('\'');
  out.append(value);
  return out;
}

namespace {
void csv_cell(std::string& out, std::string_view raw) {
  std::string v = neutralise_cell(raw);
  if (v.find_first_of(",\"\r\n") == std::string::npos) {
    out += v;
    return;
  }
  out.push_back('"');
  for (char c : v) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}
}  // namespace

std::string report_json(const RosterValidator& v) {
  nlohmann::json j;
  j["rows"] = v.rows();
  j["clean_rows"] = v.clean_rows();
  j["encoding"] = v.encoding() == Encoding::gbk ? "gbk" : "utf-8";
  j["issues_dropped"] = v.issues_dropped();
  auto issue_json = [](const RowIssue& i) {
    return nlohmann::json{{"row", i.row}, {"field", i.field}, {"code", i.code}, {"message", i.message_en},
                          {"message_zh", i.message_zh}};
  };
  if (v.fatal()) j["error"] = issue_json(*v.fatal());
  auto& arr = j["issues"] = nlohmann::json::array();
  for (const auto& i : v.issues()) arr.push_back(issue_json(i));
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string report_csv(const RosterValidator& v) {
  std::string out = "row,field,code,message,message_zh\r\n";
  auto line = [&](const RowIssue& i) {
    out += std::to_string(i.row);
    out.push_back(',');
    csv_cell(out, i.field);
    out.push_back(',');
    csv_cell(out, i.code);
    out.push_back(',');
    csv_cell(out, i.message_en);
    out.push_back(',');
    csv_cell(out, i.message_zh);
    out += "\r\n";
  };
  if (v.fatal()) line(*v.fatal());
  for (const auto& i : v.issues()) line(i);
  return out;
}

std::string mask_middle(std::string_view value, std::size_t keep_front, std::size_t keep_back) {
  if (value.size() <= keep_front + keep_back) return std::string(value.size(), '*');
  return std::string(value.substr(0, keep_front)) + std::string(value.size() - keep_front - keep_back, '*') +
         std::string(value.substr(value.size() - keep_back));
}

std::string export_row_csv(const RosterRow& row) {
  std::string out = std::to_string(row.row);
  const std::string id = mask_middle(row.id_number, 3, 4), phone = mask_middle(row.phone, 3, 4);
  const std::string_view cells[] = {row.name, id, phone, row.exam_session, row.scan_file,
                                    row.clean ? "clean" : "flagged"};
  for (std::string_view cell : cells) {
    out.push_back(',');
    csv_cell(out, cell);
  }
  out += "\r\n";
  return out;
}

}  // namespace shiming::enterprise
