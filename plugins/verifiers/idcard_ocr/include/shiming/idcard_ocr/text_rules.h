// Text rules of the card: the 56 ethnic groups, dates, validity spans, name normalisation and
// the UTF-8 helpers the field readers use. Pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shiming::idcard_ocr {

// UTF-8 code points as separate strings; invalid bytes are dropped.
std::vector<std::string> utf8_code_points(std::string_view s);

// The 56 official names as printed on the card (汉, 蒙古, 回, 藏, ...).
const std::vector<std::string_view>& ethnicities();
// The nearest official name (edit distance over code points, a trailing 族 ignored), and the
// distance; nullopt when nothing is within `max_distance`.
struct Snapped {
  std::string value;
  int distance = 0;
};
std::optional<Snapped> snap_ethnicity(std::string_view text, int max_distance = 1);

// Levenshtein distance over code points.
int edit_distance(std::string_view a, std::string_view b);
// Character accuracy of `read` against `truth`: 1 - distance / max(len(truth), 1), at least 0.
double char_accuracy(std::string_view truth, std::string_view read);

// Full-width ASCII to half-width, ideographic and ASCII spaces and middle dots' look-alikes
// normalised ("·" for U+00B7, U+30FB, U+2022), all whitespace removed, ASCII upper-cased.
std::string normalize_name(std::string_view name);

// "YYYY-MM-DD".
std::string format_date(std::chrono::year_month_day d);
std::optional<std::chrono::year_month_day> parse_iso_date(std::string_view s);

// The validity period as printed: "2015.03.01-2035.03.01" or "2015.03.01-长期". OCR noise
// between the digits is tolerated.
struct Validity {
  std::chrono::year_month_day from;
  bool long_term = false;
  std::chrono::year_month_day to;  // when !long_term
};
std::optional<Validity> parse_validity(std::string_view text);

// Birth as printed: "1990年1月5日" (digits with 年 月 日, spaces anywhere).
std::optional<std::chrono::year_month_day> parse_printed_birth(std::string_view text);

// Whether a birth line read as "1990年1月16日" is `expected` (1990-11-16) with one digit lost:
// the year, month and day groups equal the date's except one group that lacks exactly one digit
// (a thin 1 is what Tesseract drops). Used only to accept the date the number states.
bool printed_birth_one_digit_short(std::string_view text, std::chrono::year_month_day expected);

// Whether dates read from one birth line under several preprocessings disagree among themselves
// (two or more different dates) and each is `expected` (the number's date) with at most one
// digit of YYYYMMDD changed: 1957-11-29 and 1957-11-22 for 1957-11-25. The reads then do not
// settle the date and the number's explains every one of them; a consistent misprint (every
// read the same other date) is not explained away.
bool birth_reads_scatter_around(const std::vector<std::chrono::year_month_day>& reads,
                                std::chrono::year_month_day expected);

// Whether the span from issue to expiry is one the Resident Identity Card Law allows for the
// holder's age at issue: under 16 -> 5 years, 16-25 -> 10, 26-45 -> 20, 46 and over -> 长期.
// One year of tolerance on the age boundary is given (cards are often issued near birthdays).
bool validity_span_allowed(const Validity& v, std::chrono::year_month_day birth);
// The span's length in years when it is one the law knows (5, 10 or 20: expiry on the issue's
// day N years on, a day either side for 29 February), -1 for 长期, 0 otherwise.
int validity_span_years(const Validity& v);

// An address line as Tesseract read it, with the digit 1 put back where the line model gave a
// stroke-like sign for it (号楼]单元, 11组7]号, 楼j单元): ] [ | ! (an address has no brackets)
// except next to a 1, where they are that 1 read twice (1]室, 6]1号) and are dropped; l I i j
// when next to a digit or between two Chinese characters (where a Latin letter does not stand
// in an address).
std::string address_ones(std::string_view line);

// An address as read, with the province, city and district it opens with snapped to the names
// of the GB/T 2260 table when the read is within an edit or two of one (乌鲁森齐市 ->
// 乌鲁木齐市); `region_code` (the number's first six digits, may be empty) breaks ties. The
// rest of the address is left as read.
std::string snap_address_regions(std::string_view address, std::string_view region_code);

// The issuing authority as read (back), snapped to the form the address's district gives
// (平舆县公安局, 南京市公安局玄武分局) when within an edit or two of it (one per five characters);
// otherwise as read (the holder may have moved since the card was issued).
std::string snap_issuing_authority(std::string_view authority, std::string_view address);

// The ID number from what the reader saw at each of its 18 positions: the characters ('0'-'9',
// 'X') it considered there, each with a weight (votes of several reads, the model's
// probability). The best character of each position when that number is valid (GB 11643 check
// character and a real birth date) and its region is in the GB/T 2260 table; otherwise the one
// number of that kind that changing a single position to another candidate gives (of several,
// only one with at least `margin` times the weight of the next). `changed` counts the positions
// changed (0 or 1). nullopt when nothing or more than one number is possible.
struct ResolvedNumber {
  std::string number;
  int changed = 0;
};
using PositionCandidates = std::vector<std::pair<char, double>>;
std::optional<ResolvedNumber> resolve_id_number(const std::vector<PositionCandidates>& positions,
                                                double margin = 3.0);

}  // namespace shiming::idcard_ocr
