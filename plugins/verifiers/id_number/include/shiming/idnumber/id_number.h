// Resident identity number checks (GB 11643-1999) and region lookup (GB/T 2260, historical union).
// Pure functions, no I/O: safe to call from any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shiming::idnumber {

struct Options {
  int min_age = 0;
  int max_age = 150;
  std::chrono::year_month_day today;  // the "as of" date for the future-date and age rules
};

// One rule's verdict. rule is one of: format, check_character, birth_date, age, region, sex.
// code is empty when ok (region: ID_REGION_UNKNOWN is a warning, ok stays true for validity).
struct RuleCheck {
  std::string rule;
  bool ok = false;
  std::string code;    // e.g. ID_FORMAT, ID_CHECK_CHARACTER, ID_BIRTH_DATE_INVALID ...
  std::string detail;  // English, no personal data beyond what the rule is about
};

struct IdCheck {
  std::string input;       // as given (trimmed of surrounding white space)
  std::string normalized;  // 18 characters, upper-case X; a 15-digit number converted (19xx)
  bool valid = false;      // format, check character and calendar date pass (age too)
  std::vector<RuleCheck> checks;  // in order: format, check_character, birth_date, age, region, sex
  std::optional<std::chrono::year_month_day> birth;
  char sex = '\0';  // 'M' / 'F' from the sequence digit (odd = male); '\0' if unknown
  std::string region_code;  // first six digits
  std::string region_name;  // latest known name (zh-CN), empty if unknown
  bool region_known = false;
  bool residence_permit = false;  // 810000 / 820000 / 830000 (Hong Kong / Macao / Taiwan)
};

// Runs every rule. The "sex" rule is only a report of the digit (the declared sex is compared by
// the verifier via sex_matches()).
IdCheck check(std::string_view id_number, const Options& options);

// ISO 7064 MOD 11-2 check character ('0'-'9' or 'X') of the first 17 digits.
// REQUIRES: first17 holds at least 17 ASCII digits (only the first 17 are read); returns '\0'
// otherwise.
char check_character(std::string_view first17);

// 15-digit legacy number -> 18-digit number (century 19, check character appended).
// std::nullopt if the input is not exactly 15 ASCII digits.
std::optional<std::string> convert15to18(std::string_view id15);

// Region lookup in the embedded GB/T 2260 union (1980-2020 plus residence permit codes).
struct Region {
  std::string_view code;
  std::string_view name;  // latest name, zh-CN
};
std::optional<Region> find_region(std::string_view code6);
std::size_t region_count();

// Citizen advice for a reason code, zh-CN and English; empty strings for an unknown code.
struct Advice {
  std::string_view en;
  std::string_view zh;
};
Advice advice_for(std::string_view code);

// Masked form for logs: first 6 and last 4 characters kept (110105********002X).
std::string mask(std::string_view id_number);

}  // namespace shiming::idnumber
