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
  // The "as of" date for the future-date and age rules. When not ok() (e.g. left default),
  // today's date in China Standard Time (UTC+8) from the system clock is used.
  std::chrono::year_month_day today{};
};

// One rule's verdict. rule is one of: format, check_character, birth_date, age, region, sex.
// code is empty when ok. A rule that could not run (e.g. everything after a format failure) is
// left out. region failing (ID_REGION_UNKNOWN) is a warning only: it does not affect `valid`.
struct RuleCheck {
  std::string rule;
  bool ok = false;
  std::string code;    // e.g. ID_FORMAT, ID_CHECK_CHARACTER, ID_BIRTH_DATE_INVALID ...
  std::string detail;  // English, no personal data beyond what the rule is about
};

struct IdCheck {
  std::string input;       // as given
  std::string normalized;  // 18 characters, upper-case X; a 15-digit number converted (19xx);
                           // empty when the format rule fails. Spaces are dropped and full-width
                           // digits / X (as typed with a Chinese IME) read as ASCII first.
  bool valid = false;      // format, check character and birth date (real, not future) pass
  bool age_ok = false;     // the age as of `today` is within [min_age, max_age]
  std::vector<RuleCheck> checks;  // in order: format, check_character, birth_date, age, region, sex
  std::optional<std::chrono::year_month_day> birth;
  char sex = '\0';  // 'M' / 'F' from the sequence digit (odd = male); '\0' if unknown
  std::string region_code;  // first six digits
  std::string region_name;  // latest known name (zh-CN), empty if unknown
  bool region_known = false;
  bool residence_permit = false;  // 810000 / 820000 / 830000 (Hong Kong / Macao / Taiwan)
};

// Runs every rule. The "sex" rule reports the sequence digit (odd = male); comparing it with a
// declared sex is the verifier's job. Never throws on any input.
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
  std::string code;
  std::string_view name;  // latest name, zh-CN
};
std::optional<Region> find_region(std::string_view code6);
std::size_t region_count();

// Message and citizen advice for a reason code, English and zh-CN; empty for an unknown code.
struct Advice {
  std::string_view message;
  std::string_view message_zh;
  std::string_view en;  // what to do next
  std::string_view zh;
};
Advice advice_for(std::string_view code);

// Reason codes of the rules (also the keys of advice_for()).
inline constexpr const char* kFormat = "ID_FORMAT";
inline constexpr const char* kCheckCharacter = "ID_CHECK_CHARACTER";
inline constexpr const char* kBirthDateInvalid = "ID_BIRTH_DATE_INVALID";
inline constexpr const char* kBirthDateFuture = "ID_BIRTH_DATE_FUTURE";
inline constexpr const char* kAgeOutOfRange = "ID_AGE_OUT_OF_RANGE";
inline constexpr const char* kRegionUnknown = "ID_REGION_UNKNOWN";
inline constexpr const char* kSexMismatch = "ID_SEX_MISMATCH";  // set by the verifier
inline constexpr const char* kMissing = "ID_MISSING";           // set by the verifier

// Full years of age on `today` for someone born on `birth` (a Feb 29 birthday counts from Mar 1
// in common years).
int age_on(std::chrono::year_month_day birth, std::chrono::year_month_day today);

}  // namespace shiming::idnumber
