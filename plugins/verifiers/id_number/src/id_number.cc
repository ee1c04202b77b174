// GB 11643-1999 rules: format, ISO 7064 MOD 11-2 check character, birth date, age, region, sex.
#include "shiming/idnumber/id_number.h"

#include <array>

namespace shiming::idnumber {
namespace {

using namespace std::chrono;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view s) {
  for (char c : s)
    if (!is_digit(c)) return false;
  return !s.empty();
}

// Spaces dropped; full-width digits and X (U+FF10..U+FF19, U+FF38, U+FF58) read as ASCII.
std::string canonical_text(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == 0xEF && i + 2 < in.size()) {
      unsigned char b1 = static_cast<unsigned char>(in[i + 1]);
      unsigned char b2 = static_cast<unsigned char>(in[i + 2]);
      if (b1 == 0xBC && b2 >= 0x90 && b2 <= 0x99) { out += static_cast<char>('0' + (b2 - 0x90)); i += 2; continue; }
      if ((b1 == 0xBC && b2 == 0xB8) || (b1 == 0xBD && b2 == 0x98)) { out += 'X'; i += 2; continue; }
    }
    if (c == 0xE3 && i + 2 < in.size() && in[i + 1] == '\x80' && in[i + 2] == '\x80') {
      i += 2;  // U+3000 ideographic space
      continue;
    }
    out += static_cast<char>(c);
  }
  return out;
}

year_month_day china_today() {
  auto now = system_clock::now() + hours(8);
  return year_month_day(floor<days>(now));
}

std::string two(unsigned v) {
  std::string s = std::to_string(v);
  return s.size() < 2 ? "0" + s : s;
}

std::string format_ymd(year_month_day d) {
  return std::to_string(static_cast<int>(d.year())) + "-" + two(static_cast<unsigned>(d.month())) +
         "-" + two(static_cast<unsigned>(d.day()));
}

const char* permit_holder(std::string_view code) {
  if (code == "810000") return "Hong Kong";
  if (code == "820000") return "Macao";
  if (code == "830000") return "Taiwan";
  return nullptr;
}

}  // namespace

char check_character(std::string_view first17) {
  static constexpr std::array<int, 17> kWeights{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr std::array<char, 11> kChars{'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
  if (first17.size() < 17) return '\0';
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) {
    if (!is_digit(first17[i])) return '\0';
    sum += (first17[i] - '0') * kWeights[i];
  }
  return kChars[static_cast<std::size_t>(sum % 11)];
}

std::optional<std::string> convert15to18(std::string_view id15) {
  if (id15.size() != 15 || !all_digits(id15)) return std::nullopt;
  std::string out;
  out.reserve(18);
  out.append(id15.substr(0, 6)).append("19").append(id15.substr(6));
  out += check_character(out);
  return out;
}

int age_on(year_month_day birth, year_month_day today) {
  int age = static_cast<int>(today.year()) - static_cast<int>(birth.year());
  if (std::pair(static_cast<unsigned>(today.month()), static_cast<unsigned>(today.day())) <
      std::pair(static_cast<unsigned>(birth.month()), static_cast<unsigned>(birth.day())))
    --age;
  return age;
}

IdCheck check(std::string_view id_number, const Options& options) {
  IdCheck r;
  r.input = std::string(id_number);
  const year_month_day today = options.today.ok() ? options.today : china_today();
  auto add = [&r](std::string rule, bool ok, std::string code, std::string detail) {
    r.checks.push_back({std::move(rule), ok, ok ? std::string() : std::move(code), std::move(detail)});
    return ok;
  };

  // format
  std::string text = id_number.size() > 256 ? std::string() : canonical_text(id_number);
  bool format_ok = false;
  std::string format_detail;
  if (text.empty()) {
    format_detail = id_number.empty() ? "empty" : "no characters to read";
  } else if (text.size() == 15) {
    format_ok = all_digits(text);
    format_detail = format_ok ? "15 digits (legacy number, converted with century 19)"
                              : "a 15-character number must be all digits";
  } else if (text.size() == 18) {
    bool last_ok = is_digit(text[17]) || text[17] == 'X' || text[17] == 'x';
    format_ok = all_digits(std::string_view(text).substr(0, 17)) && last_ok;
    format_detail = format_ok ? "18 characters" : "18 characters must be 17 digits and a digit or X";
  } else {
    format_detail = "length " + std::to_string(text.size()) + ", expected 18 or 15";
  }
  if (!add("format", format_ok, kFormat, format_detail)) return r;

  // check character
  bool check_ok = true;
  if (text.size() == 15) {
    r.normalized = *convert15to18(text);
    add("check_character", true, "",
        std::string("none in a 15-digit number; computed ") + r.normalized[17]);
  } else {
    if (text[17] == 'x') text[17] = 'X';
    r.normalized = text;
    char expected = check_character(text);
    check_ok = text[17] == expected;
    add("check_character", check_ok, kCheckCharacter,
        check_ok ? std::string("ISO 7064 MOD 11-2 check character matches")
                 : std::string("check character is ") + text[17] + ", expected " + expected);
  }

  // birth date
  const std::string& n = r.normalized;
  int y = std::stoi(n.substr(6, 4));
  unsigned m = static_cast<unsigned>(std::stoi(n.substr(10, 2)));
  unsigned d = static_cast<unsigned>(std::stoi(n.substr(12, 2)));
  year_month_day birth{year{y}, month{m}, day{d}};
  bool birth_ok = false;
  if (!birth.ok()) {
    add("birth_date", false, kBirthDateInvalid,
        n.substr(6, 4) + "-" + n.substr(10, 2) + "-" + n.substr(12, 2) + " is not a calendar date");
  } else if (sys_days(birth) > sys_days(today)) {
    r.birth = birth;
    add("birth_date", false, kBirthDateFuture, format_ymd(birth) + " is after " + format_ymd(today));
  } else {
    r.birth = birth;
    birth_ok = add("birth_date", true, "", format_ymd(birth));
  }

  // age
  if (birth_ok) {
    int age = age_on(birth, today);
    r.age_ok = age >= options.min_age && age <= options.max_age;
    add("age", r.age_ok, kAgeOutOfRange,
        "age " + std::to_string(age) + " on " + format_ymd(today) + ", allowed " +
            std::to_string(options.min_age) + ".." + std::to_string(options.max_age));
  }

  // region
  r.region_code = n.substr(0, 6);
  if (auto region = find_region(r.region_code)) {
    r.region_known = true;
    r.region_name = std::string(region->name);
    if (const char* holder = permit_holder(r.region_code)) {
      r.residence_permit = true;
      add("region", true, "",
          std::string("residence permit for ") + holder + " residents (" + r.region_name + ")");
    } else {
      add("region", true, "", r.region_code + " " + r.region_name);
    }
  } else {
    auto province = find_region(r.region_code.substr(0, 2) + "0000");
    add("region", false, kRegionUnknown,
        r.region_code + " is not in GB/T 2260 1980-2020" +
            (province ? " (province " + province->code + " " + std::string(province->name) + ")"
                      : std::string(" (unknown province)")));
  }

  // sex
  int seq = n[16] - '0';
  r.sex = seq % 2 == 1 ? 'M' : 'F';
  add("sex", true, "",
      std::string("sequence digit ") + n[16] + (r.sex == 'M' ? " (odd): male" : " (even): female"));

  r.valid = format_ok && check_ok && birth_ok;
  return r;
}

}  // namespace shiming::idnumber
