// Parsing of TD1/TD2/TD3 zones with check-digit-confirmed corrections.
#include <algorithm>
#include <functional>

#include "shiming/mrz/mrz.h"

namespace shiming::mrz {
namespace {

// The usual OCR confusions between letters and digits.
constexpr std::pair<char, char> kConfusions[] = {
    {'O', '0'}, {'I', '1'}, {'S', '5'}, {'B', '8'}, {'Z', '2'}, {'G', '6'}};

char letter_to_digit(char c) {
  for (auto [l, d] : kConfusions)
    if (c == l) return d;
  return 0;
}
char digit_to_letter(char c) {
  for (auto [l, d] : kConfusions)
    if (c == d) return l;
  return 0;
}

enum class Kind { fixed, numeric, alnum };

struct Span {
  int line, start, len;
  Kind kind;
};

struct Pos {
  int line, col;
  Kind kind;
};

class Zone {
 public:
  Zone(std::vector<std::string> lines, ParsedMrz& out, bool correct)
      : lines_(std::move(lines)), out_(out), correct_(correct) {}
  char& at(int line, int col) { return lines_[line][col]; }
  std::string text(int line, int start, int len) const { return lines_[line].substr(start, len); }
  const std::vector<std::string>& lines() const { return lines_; }

  // Fixes that make `digit` hold over `data`: the zone as read when it holds; else letters in
  // numeric positions turned into digits; else the fewest (1..2) letter/digit swaps in
  // alphanumeric positions (at most 2: more would let a random misread pass). Several equally small fixes are all returned (the composite check
  // picks among them).
  struct Candidates {
    std::vector<Pos> positions;
    std::vector<char> original;
    std::vector<std::vector<char>> fixes;  // empty when nothing makes the digit hold
    bool swapped = false;                  // fixes change alphanumeric positions
  };
  Candidates candidates(const std::vector<Span>& data, Pos digit, bool filler_digit_allowed) const {
    Candidates c;
    for (const auto& s : data)
      for (int i = 0; i < s.len; ++i) c.positions.push_back({s.line, s.start + i, s.kind});
    c.positions.push_back(digit);
    for (const auto& p : c.positions) c.original.push_back(lines_[p.line][p.col]);
    auto holds = [&](const std::vector<char>& chars) {
      return kinds_hold(c.positions, chars) && digit_holds(chars, filler_digit_allowed);
    };
    if (holds(c.original)) {
      c.fixes.push_back(c.original);
      return c;
    }
    if (!correct_) return c;
    std::vector<char> base = c.original;
    std::vector<std::size_t> optional;
    for (std::size_t i = 0; i < c.positions.size(); ++i) {
      char ch = base[i];
      if (c.positions[i].kind == Kind::numeric) {
        if (char d = letter_to_digit(ch)) base[i] = d;  // a letter cannot stand here
      } else if (c.positions[i].kind == Kind::alnum) {
        if (letter_to_digit(ch) || digit_to_letter(ch)) optional.push_back(i);
      }
    }
    if (holds(base)) {
      c.fixes.push_back(base);
      return c;
    }
    for (int k = 1; k <= 2 && k <= static_cast<int>(optional.size()); ++k) {
      std::vector<bool> pick(optional.size(), false);
      std::fill(pick.begin(), pick.begin() + k, true);
      do {
        std::vector<char> cand = base;
        for (std::size_t j = 0; j < optional.size(); ++j) {
          if (!pick[j]) continue;
          char ch = cand[optional[j]];
          cand[optional[j]] = letter_to_digit(ch) ? letter_to_digit(ch) : digit_to_letter(ch);
        }
        if (holds(cand)) c.fixes.push_back(std::move(cand));
      } while (std::prev_permutation(pick.begin(), pick.end()) && c.fixes.size() < 16);
      if (!c.fixes.empty()) {
        c.swapped = true;
        return c;
      }
    }
    return c;
  }

  void apply(const Candidates& c, const std::vector<char>& chars) {
    for (std::size_t i = 0; i < c.positions.size(); ++i)
      at(c.positions[i].line, c.positions[i].col) = chars[i];
  }

  void record(const std::string& name, const Candidates& c) {
    for (std::size_t i = 0; i < c.positions.size(); ++i) {
      const Pos& p = c.positions[i];
      char now = lines_[p.line][p.col];
      if (now != c.original[i])
        out_.corrections.push_back({p.line + 1, p.col + 1, c.original[i], now, name, "check_digit"});
    }
  }

  CheckResult result(const std::string& name, const std::vector<Span>& data, Pos digit,
                     bool filler_digit_allowed) const {
    std::vector<char> now;
    std::vector<Pos> positions;
    for (const auto& s : data)
      for (int i = 0; i < s.len; ++i) {
        now.push_back(lines_[s.line][s.start + i]);
        positions.push_back({s.line, s.start + i, s.kind});
      }
    now.push_back(lines_[digit.line][digit.col]);
    positions.push_back(digit);
    CheckResult r;
    r.name = name;
    r.found = now.back();
    int v = check_digit(std::string(now.begin(), now.end() - 1));
    r.expected = v < 0 ? '?' : static_cast<char>('0' + v);
    r.ok = kinds_hold(positions, now) && digit_holds(now, filler_digit_allowed);
    if (r.ok && r.found == '<') r.expected = '<';
    return r;
  }

  // Numeric positions hold digits (or fillers: unknown date parts, an empty optional field).
  static bool kinds_hold(const std::vector<Pos>& positions, const std::vector<char>& chars) {
    for (std::size_t i = 0; i < positions.size(); ++i)
      if (positions[i].kind == Kind::numeric && chars[i] != '<' && (chars[i] < '0' || chars[i] > '9'))
        return false;
    return true;
  }

  static bool digit_holds(const std::vector<char>& chars, bool filler_digit_allowed) {
    std::string d(chars.begin(), chars.end() - 1);
    char cd = chars.back();
    if (cd == '<' && filler_digit_allowed &&
        std::all_of(d.begin(), d.end(), [](char c) { return c == '<'; }))
      return true;
    int v = check_digit(d);
    return v >= 0 && cd == static_cast<char>('0' + v);
  }

  // Fields that may hold only letters (and fillers): a confusable digit is a misread letter.
  void letters_only(const std::string& name, int line, int start, int len) {
    for (int i = start; i < start + len; ++i) {
      char& c = at(line, i);
      if (c >= '0' && c <= '9') {
        char l = correct_ ? digit_to_letter(c) : 0;
        if (l) {
          out_.corrections.push_back({line + 1, i + 1, c, l, name, "format"});
          c = l;
        } else {
          out_.problems.push_back(name + ": digit '" + std::string(1, c) + "' at line " +
                                  std::to_string(line + 1) + " column " + std::to_string(i + 1));
        }
      }
    }
  }

 private:
  std::vector<std::string> lines_;
  ParsedMrz& out_;
  bool correct_;
};

std::string strip_fillers(std::string s) {
  while (!s.empty() && s.back() == '<') s.pop_back();
  std::size_t b = 0;
  while (b < s.size() && s[b] == '<') ++b;
  s.erase(0, b);
  return s;
}

std::string words(std::string s) {
  s = strip_fillers(std::move(s));
  std::string out;
  for (char c : s) {
    if (c == '<') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

void split_names(const std::string& field, Fields& f) {
  std::string s = field;
  while (!s.empty() && s.back() == '<') s.pop_back();
  auto sep = s.find("<<");
  if (sep == std::string::npos) {
    f.surname = words(s);
    return;
  }
  f.surname = words(s.substr(0, sep));
  f.given_names = words(s.substr(sep + 2));
}

sdk::Error error(const char* code, std::string en, std::string zh) {
  return sdk::make_error(code, std::move(en), std::move(zh), "mrz");
}

// Document numbers longer than nine characters (TD1/TD2): position `digit_col` holds '<' and
// the number continues in the optional data, followed by its check digit.
struct DocNumberLayout {
  std::vector<Span> data;
  Pos digit;
  int overflow_end = -1;  // first column after the overflow's check digit, or -1
};

DocNumberLayout doc_number_layout(const Zone& z, int line, int start, int opt_start, int opt_end) {
  DocNumberLayout l{{{line, start, 9, Kind::alnum}}, {line, start + 9, Kind::numeric}};
  const std::string& s = z.lines()[line];
  int cd = start + 9;
  if (s[cd] == '<' && s[opt_start] != '<') {
    int e = opt_start;
    while (e < opt_end && s[e] != '<') ++e;
    if (e - opt_start >= 2) {
      l.data.push_back({line, opt_start, e - opt_start - 1, Kind::alnum});
      l.digit = {line, e - 1, Kind::numeric};
      l.overflow_end = e;
    }
  }
  return l;
}

}  // namespace

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(cur);
    cur.clear();
  };
  for (char c : text) {
    if (c == '\n' || c == '\r') flush();
    else if (c == ' ' || c == '\t') continue;
    else cur += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  flush();
  return out;
}

sdk::Result<ParsedMrz> parse(const std::vector<std::string>& raw_lines, const ParseOptions& options) {
  std::vector<std::string> lines;
  for (const auto& l : raw_lines) {
    auto parts = split_lines(l);
    lines.insert(lines.end(), parts.begin(), parts.end());
  }
  if (lines.empty())
    return error("MRZ_EMPTY", "No machine-readable zone text was given.", "未提供机读区文字。");
  if (lines.size() != 2 && lines.size() != 3)
    return error("MRZ_LINE_COUNT",
                 "A machine-readable zone has 2 lines (passport, TD3/TD2) or 3 lines (card, TD1); got " +
                     std::to_string(lines.size()) + ".",
                 "机读区应为 2 行（护照）或 3 行（卡式证件），实际为 " + std::to_string(lines.size()) + " 行。");
  ParsedMrz out;
  out.lines_read = lines;
  std::size_t longest = 0;
  for (const auto& l : lines) longest = std::max(longest, l.size());
  int width;
  if (lines.size() == 3) {
    out.format = Format::td1;
    width = 30;
  } else if (longest > 40) {
    out.format = Format::td3;
    width = 44;
  } else {
    out.format = Format::td2;
    width = 36;
  }
  const int name_line = out.format == Format::td1 ? 2 : 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string& l = lines[i];
    for (std::size_t c = 0; c < l.size(); ++c) {
      char ch = l[c];
      if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '<'))
        return error("MRZ_CHARACTER",
                     "Line " + std::to_string(i + 1) + " column " + std::to_string(c + 1) +
                         " holds a character a machine-readable zone cannot contain (only A-Z, 0-9 and <).",
                     "第 " + std::to_string(i + 1) + " 行第 " + std::to_string(c + 1) +
                         " 个字符无效（机读区只含 A-Z、0-9 和 <）。");
    }
    // Trailing fillers are easy to miscount when typing a name line: pad or trim them there.
    if (static_cast<int>(i) == name_line) {
      while (static_cast<int>(l.size()) > width && l.back() == '<') l.pop_back();
      if (static_cast<int>(l.size()) < width) l.append(width - l.size(), '<');
    }
    if (static_cast<int>(l.size()) != width)
      return error("MRZ_LENGTH",
                   std::string("Line ") + std::to_string(i + 1) + " has " + std::to_string(l.size()) +
                       " characters; a " + to_string(out.format) + " zone has " +
                       std::to_string(width) + " per line.",
                   "第 " + std::to_string(i + 1) + " 行有 " + std::to_string(l.size()) + " 个字符，" +
                       to_string(out.format) + " 格式每行应为 " + std::to_string(width) + " 个字符。");
  }

  Zone z(lines, out, options.correct);
  Fields& f = out.fields;
  const int ref = options.reference_year;

  // Document code, issuing state and names are letters only.
  z.letters_only("document_code", 0, 0, 1);
  z.letters_only("issuing_state", 0, 2, 3);
  z.letters_only("names", name_line, out.format == Format::td1 ? 0 : 5,
                 out.format == Format::td1 ? 30 : width - 5);

  // Columns of the data line(s).
  int dl = out.format == Format::td1 ? 1 : 1;  // the line holding birth/sex/expiry
  int birth_col, sex_col, expiry_col, nat_line, nat_col;
  if (out.format == Format::td1) {
    birth_col = 0; sex_col = 7; expiry_col = 8; nat_line = 1; nat_col = 15;
  } else {
    birth_col = 13; sex_col = 20; expiry_col = 21; nat_line = 1; nat_col = 10;
  }
  z.letters_only("nationality", nat_line, nat_col, 3);

  DocNumberLayout doc = out.format == Format::td1 ? doc_number_layout(z, 0, 5, 15, 30)
                        : out.format == Format::td2 ? doc_number_layout(z, 1, 0, 28, 35)
                                                    : DocNumberLayout{{{1, 0, 9, Kind::alnum}}, {1, 9, Kind::numeric}};
  struct Checked {
    std::string name;
    std::vector<Span> data;
    Pos digit;
    bool filler;
  };
  std::vector<Checked> fields_checked = {
      {"document_number", doc.data, doc.digit, false},
      {"birth", {{dl, birth_col, 6, Kind::numeric}}, {dl, birth_col + 6, Kind::numeric}, false},
      {"expiry", {{dl, expiry_col, 6, Kind::numeric}}, {dl, expiry_col + 6, Kind::numeric}, false}};
  if (out.format == Format::td3)
    fields_checked.push_back({"optional_data", {{1, 28, 14, Kind::alnum}}, {1, 42, Kind::numeric}, true});

  std::vector<Span> composite;
  Pos composite_digit{};
  if (out.format == Format::td3) {
    composite = {{1, 0, 10, Kind::fixed}, {1, 13, 7, Kind::fixed}, {1, 21, 22, Kind::fixed}};
    composite_digit = {1, 43, Kind::numeric};
  } else if (out.format == Format::td2) {
    composite = {{1, 0, 10, Kind::fixed}, {1, 13, 7, Kind::fixed}, {1, 21, 14, Kind::fixed}};
    composite_digit = {1, 35, Kind::numeric};
  } else {
    composite = {{0, 5, 25, Kind::fixed}, {1, 0, 7, Kind::fixed}, {1, 8, 7, Kind::fixed},
                 {1, 18, 11, Kind::fixed}};
    composite_digit = {1, 29, Kind::numeric};
  }

  // Each field's own digit proposes fixes; swaps between letters and digits in alphanumeric
  // fields are kept only when the composite digit holds too, and only when exactly one
  // combination of the proposals makes it hold.
  std::vector<Zone::Candidates> cands;
  std::vector<std::size_t> uncertain;
  for (std::size_t i = 0; i < fields_checked.size(); ++i) {
    const auto& fc = fields_checked[i];
    cands.push_back(z.candidates(fc.data, fc.digit, fc.filler));
    const auto& c = cands.back();
    if (c.fixes.size() == 1 && !c.swapped) z.apply(c, c.fixes.front());
    else if (!c.fixes.empty()) uncertain.push_back(i);
  }
  auto composite_cands = [&] { return z.candidates(composite, composite_digit, false); };
  if (!uncertain.empty()) {
    std::vector<std::size_t> choice(uncertain.size(), 0), found;
    int solutions = 0;
    for (int guard = 0; guard < 256; ++guard) {
      for (std::size_t u = 0; u < uncertain.size(); ++u)
        z.apply(cands[uncertain[u]], cands[uncertain[u]].fixes[choice[u]]);
      if (!composite_cands().fixes.empty()) {
        ++solutions;
        found = choice;
      }
      std::size_t u = 0;
      while (u < uncertain.size() && ++choice[u] == cands[uncertain[u]].fixes.size()) choice[u++] = 0;
      if (u == uncertain.size()) break;
    }
    for (std::size_t u = 0; u < uncertain.size(); ++u) {
      const auto& c = cands[uncertain[u]];
      z.apply(c, solutions == 1 ? c.fixes[found[u]] : c.original);
    }
  }
  for (std::size_t i = 0; i < fields_checked.size(); ++i) {
    z.record(fields_checked[i].name, cands[i]);
    const auto& fc = fields_checked[i];
    out.checks.push_back(z.result(fc.name, fc.data, fc.digit, fc.filler));
  }
  auto cc = composite_cands();
  if (cc.fixes.size() == 1) z.apply(cc, cc.fixes.front());
  z.record("composite", cc);
  out.checks.push_back(z.result("composite", composite, composite_digit, false));

  // Fields, from the corrected zone.
  const auto& L = z.lines();
  f.document_code = strip_fillers(L[0].substr(0, 2));
  f.issuing_state = strip_fillers(L[0].substr(2, 3));
  std::string docnum;
  for (const auto& s : doc.data) docnum += L[s.line].substr(s.start, s.len);
  f.document_number = strip_fillers(docnum);
  f.nationality = strip_fillers(L[nat_line].substr(nat_col, 3));
  const std::string name_field = out.format == Format::td1 ? L[2] : L[0].substr(5);
  split_names(name_field, f);
  // Fillers pad the name field at its end only ("<<<" never separates names).
  bool names_ok = true;
  if (auto pad = name_field.find("<<<"); pad != std::string::npos &&
      name_field.find_first_not_of('<', pad) != std::string::npos) {
    names_ok = false;
    out.problems.push_back("names: characters after the filler padding");
  }
  f.birth_raw = L[dl].substr(birth_col, 6);
  f.expiry_raw = L[dl].substr(expiry_col, 6);
  std::string problem;
  f.birth = birth_date(f.birth_raw, ref, &problem);
  bool dates_ok = true;
  if (f.birth.empty()) {
    // ICAO allows fillers for an unknown part of a birth date.
    if (problem != "unknown date") dates_ok = false;
    out.problems.push_back("birth: " + problem);
  }
  problem.clear();
  f.expiry = expiry_date(f.expiry_raw, ref, &problem);
  if (f.expiry.empty()) {
    dates_ok = false;
    out.problems.push_back("expiry: " + problem);
  }
  char sex = L[dl][sex_col];
  bool sex_ok = true;
  if (sex == 'M' || sex == 'F') f.sex = std::string(1, sex);
  else if (sex == '<' || sex == 'X') f.sex = "X";
  else {
    sex_ok = false;
    out.problems.push_back(std::string("sex: '") + sex + "' is not M, F, X or <");
  }
  if (out.format == Format::td3) {
    f.optional_data = strip_fillers(L[1].substr(28, 14));
  } else if (out.format == Format::td2) {
    int s = doc.overflow_end > 0 ? doc.overflow_end : 28;
    f.optional_data = strip_fillers(L[1].substr(s, 35 - s));
  } else {
    int s = doc.overflow_end > 0 ? doc.overflow_end : 15;
    f.optional_data = strip_fillers(L[0].substr(s, 30 - s));
    f.optional_data_2 = strip_fillers(L[1].substr(18, 11));
  }
  if (f.document_code.empty() || f.document_code[0] == '<') {
    out.problems.push_back("document_code: empty");
    sex_ok = false;
  }
  out.lines = L;
  bool letters_ok = std::none_of(out.problems.begin(), out.problems.end(), [](const std::string& p) {
    return p.find("digit '") != std::string::npos;
  });
  out.valid = dates_ok && sex_ok && letters_ok && names_ok &&
              std::all_of(out.checks.begin(), out.checks.end(), [](const CheckResult& c) { return c.ok; });
  return out;
}

}  // namespace shiming::mrz
