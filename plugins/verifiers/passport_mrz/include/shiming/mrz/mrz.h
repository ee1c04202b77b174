// ICAO 9303 machine-readable zones: TD3 (passports, 2x44), TD2 (2x36) and TD1 (3x30) with every
// check digit, the composite check, and OCR-confusion fixes that a check digit confirms.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <shiming/sdk/result.h>

namespace shiming::mrz {

enum class Format { td1, td2, td3 };
const char* to_string(Format f);

// ICAO 9303 part 3 check digit (weights 7,3,1; digits, A-Z = 10..35, '<' = 0).
// Returns -1 when the text holds another character.
int check_digit(std::string_view text);

// One check digit of the zone and whether it holds.
struct CheckResult {
  std::string name;   // document_number, birth, expiry, optional_data, composite
  char found = '<';   // the digit printed in the zone (after corrections)
  char expected = '0';
  bool ok = false;
};

// A character changed because a check digit confirmed it (or, for fields that may hold only
// letters, because a digit cannot stand there: kind "format").
struct Correction {
  int line = 0;    // 1-based
  int column = 0;  // 1-based
  char from = ' ';
  char to = ' ';
  std::string field;
  std::string kind;  // "check_digit" | "format"
};

struct Fields {
  std::string document_code;    // P, PD, I, ID, ...
  std::string issuing_state;    // ICAO 3-letter code (UTO, CHN, D<< -> "D")
  std::string document_number;  // fillers removed
  std::string surname;          // words separated by one space
  std::string given_names;
  std::string nationality;
  std::string birth;            // YYYY-MM-DD; "" when the zone holds an unknown date
  std::string expiry;           // YYYY-MM-DD
  std::string sex;              // M / F / X
  std::string optional_data;    // TD3 personal number / TD1 line 1 optional data
  std::string optional_data_2;  // TD1 line 2 optional data
  std::string birth_raw;        // YYMMDD as in the zone
  std::string expiry_raw;
};

struct ParsedMrz {
  Format format = Format::td3;
  std::vector<std::string> lines_read;  // as given (upper-cased, spaces removed)
  std::vector<std::string> lines;       // after confirmed corrections
  Fields fields;
  std::vector<CheckResult> checks;
  std::vector<Correction> corrections;
  std::vector<std::string> problems;    // e.g. "birth: month 13" (English, for staff)
  bool valid = false;                   // every check digit holds and the dates are real
};

struct ParseOptions {
  bool correct = true;        // try the confusion fixes
  int reference_year = 0;     // for the century of two-digit years; 0 = the current year
};

// Errors: MRZ_EMPTY, MRZ_LINE_COUNT, MRZ_LENGTH, MRZ_CHARACTER (with zh-CN messages).
// A zone that parses but fails a check digit is returned with valid = false.
sdk::Result<ParsedMrz> parse(const std::vector<std::string>& lines, const ParseOptions& options = {});

// Splits text into non-empty lines, upper-cases and drops spaces and tabs.
std::vector<std::string> split_lines(std::string_view text);

// Two-digit year to a full date: birth dates are never in the future (relative to
// reference_year); expiry dates take the century closest to the reference year.
// Returns "" for an impossible date (problem set to a reason).
std::string birth_date(std::string_view yymmdd, int reference_year, std::string* problem = nullptr);
std::string expiry_date(std::string_view yymmdd, int reference_year, std::string* problem = nullptr);

// {"format","mrz":[lines as read],"mrz_corrected":[...],"valid","fields":{...},
//  "checks":[{"field","found","expected","ok"}],"corrections":[...],"problems":[...]}
nlohmann::json to_json(const ParsedMrz& parsed);

}  // namespace shiming::mrz
