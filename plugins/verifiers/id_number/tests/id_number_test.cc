#include "shiming/idnumber/id_number.h"

#include <gtest/gtest.h>

namespace shiming::idnumber {
namespace {

using namespace std::chrono;

Options on(int y, unsigned m, unsigned d, int min_age = 0, int max_age = 150) {
  Options o;
  o.today = year_month_day{year{y}, month{m}, day{d}};
  o.min_age = min_age;
  o.max_age = max_age;
  return o;
}
const Options kToday = on(2026, 5, 23);

const RuleCheck* rule(const IdCheck& c, std::string_view name) {
  for (const auto& r : c.checks)
    if (r.rule == name) return &r;
  return nullptr;
}

TEST(CheckCharacter, Iso7064Mod11_2) {
  EXPECT_EQ(check_character("11010519491231002"), 'X');
  EXPECT_EQ(check_character("44030719900307671"), '8');
  EXPECT_EQ(check_character("11010519900229001"), '8');
  EXPECT_EQ(check_character("1101051949123100"), '\0');   // 16 digits
  EXPECT_EQ(check_character("1101051949123100A"), '\0');  // not a digit
}

TEST(Check, ValidNumberWithXUpperAndLowerCase) {
  for (const char* n : {"11010519491231002X", "11010519491231002x"}) {
    IdCheck c = check(n, kToday);
    EXPECT_TRUE(c.valid) << n;
    EXPECT_EQ(c.normalized, "11010519491231002X");
    ASSERT_TRUE(c.birth);
    EXPECT_EQ(*c.birth, year_month_day(year{1949}, month{12}, day{31}));
    EXPECT_EQ(c.sex, 'F');  // 17th digit 2
    EXPECT_EQ(c.region_code, "110105");
    EXPECT_TRUE(c.region_known);
    EXPECT_EQ(c.region_name, "朝阳区");
    EXPECT_FALSE(c.residence_permit);
    ASSERT_EQ(c.checks.size(), 6u);
    for (const auto& r : c.checks) EXPECT_TRUE(r.ok) << r.rule << ": " << r.detail;
  }
}

TEST(Check, SexFromSeventeenthDigit) {
  IdCheck male = check("440307199003076718", kToday);
  EXPECT_TRUE(male.valid);
  EXPECT_EQ(male.sex, 'M');  // 7 odd
  EXPECT_EQ(check("110105198501011234", kToday).sex, 'M');  // 3 odd
}

TEST(Check, WrongCheckCharacter) {
  IdCheck c = check("110105194912310021", kToday);
  EXPECT_FALSE(c.valid);
  const RuleCheck* r = rule(c, "check_character");
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->ok);
  EXPECT_EQ(r->code, "ID_CHECK_CHARACTER");
  EXPECT_NE(r->detail.find("expected X"), std::string::npos);
}

TEST(Check, FormatErrors) {
  for (const char* n : {"", "1101051949123100", "1101051949123100211", "11010519491231002Y",
                        "1101051949X231002X", "11010549123100A", "身份证号码"}) {
    IdCheck c = check(n, kToday);
    EXPECT_FALSE(c.valid) << n;
    ASSERT_EQ(c.checks.size(), 1u) << n;  // nothing else can run
    EXPECT_EQ(c.checks[0].rule, "format");
    EXPECT_EQ(c.checks[0].code, "ID_FORMAT");
    EXPECT_TRUE(c.normalized.empty());
  }
}

TEST(Check, HugeAndBinaryInputIsAFormatErrorNotACrash) {
  std::string huge(100000, '1');
  EXPECT_EQ(check(huge, kToday).checks.at(0).code, "ID_FORMAT");
  std::string binary("\0\xff\xfe\x01", 4);
  EXPECT_EQ(check(binary, kToday).checks.at(0).code, "ID_FORMAT");
}

TEST(Check, SpacesAndFullWidthDigitsAreRead) {
  IdCheck c = check(" 110105 19491231 002X ", kToday);
  EXPECT_TRUE(c.valid);
  EXPECT_EQ(c.normalized, "11010519491231002X");
  IdCheck fw = check("１１０１０５１９４９１２３１００２Ｘ", kToday);
  EXPECT_TRUE(fw.valid);
  EXPECT_EQ(fw.normalized, "11010519491231002X");
}

TEST(Check, Feb29OfNonLeapYearIsInvalidDate) {
  IdCheck c = check("110105199002290018", kToday);  // 1990 is not a leap year; check char right
  EXPECT_FALSE(c.valid);
  EXPECT_TRUE(rule(c, "check_character")->ok);
  EXPECT_EQ(rule(c, "birth_date")->code, "ID_BIRTH_DATE_INVALID");
  EXPECT_FALSE(c.birth);
  EXPECT_EQ(rule(c, "age"), nullptr);
}

TEST(Check, Feb29OfLeapYearIsValid) {
  IdCheck c = check("110105200002290013", kToday);  // 2000 is a leap year (divisible by 400)
  EXPECT_TRUE(c.valid);
  IdCheck dg = check("441282200002290043", kToday);
  EXPECT_TRUE(dg.valid);
}

TEST(Check, FutureBirthDate) {
  IdCheck c = check("110105209912310010", kToday);
  EXPECT_FALSE(c.valid);
  EXPECT_EQ(rule(c, "birth_date")->code, "ID_BIRTH_DATE_FUTURE");
  // Born "today" is not in the future.
  IdCheck today = check("110105202103010016", on(2021, 3, 1));
  EXPECT_TRUE(today.valid);
  IdCheck before = check("110105202103010016", on(2021, 2, 28));
  EXPECT_EQ(rule(before, "birth_date")->code, "ID_BIRTH_DATE_FUTURE");
}

TEST(Check, AgeRangeAsOfToday) {
  // Born 1985-01-01.
  EXPECT_TRUE(check("110105198501011234", on(2026, 5, 23, 18, 60)).age_ok);
  IdCheck young = check("110105198501011234", on(2002, 12, 31, 18, 60));  // 17
  EXPECT_TRUE(young.valid);  // the number itself is fine
  EXPECT_FALSE(young.age_ok);
  EXPECT_EQ(rule(young, "age")->code, "ID_AGE_OUT_OF_RANGE");
  EXPECT_TRUE(check("110105198501011234", on(2003, 1, 1, 18, 60)).age_ok);  // 18th birthday
  EXPECT_TRUE(check("110105198501011234", on(2045, 1, 1, 18, 60)).age_ok);   // 60: inclusive
  EXPECT_FALSE(check("110105198501011234", on(2046, 1, 1, 18, 60)).age_ok);  // 61
}

TEST(AgeOn, BirthdaysAndLeapDays) {
  auto d = [](int y, unsigned m, unsigned dd) { return year_month_day{year{y}, month{m}, day{dd}}; };
  EXPECT_EQ(age_on(d(2000, 2, 29), d(2018, 2, 28)), 17);
  EXPECT_EQ(age_on(d(2000, 2, 29), d(2018, 3, 1)), 18);
  EXPECT_EQ(age_on(d(2000, 2, 29), d(2020, 2, 29)), 20);
  EXPECT_EQ(age_on(d(1985, 1, 1), d(2044, 12, 31)), 59);
  EXPECT_EQ(age_on(d(1985, 1, 1), d(2045, 1, 1)), 60);
}

TEST(Convert15to18, LegacyNumbers) {
  EXPECT_EQ(convert15to18("110105491231002"), "11010519491231002X");
  EXPECT_FALSE(convert15to18("11010549123100"));
  EXPECT_FALSE(convert15to18("11010549123100X"));
  IdCheck c = check("110105491231002", kToday);
  EXPECT_TRUE(c.valid);
  EXPECT_EQ(c.normalized, "11010519491231002X");
  EXPECT_EQ(c.sex, 'F');
  EXPECT_TRUE(rule(c, "check_character")->ok);
  // 15-digit with an impossible date.
  EXPECT_EQ(rule(check("110105490231002", kToday), "birth_date")->code, "ID_BIRTH_DATE_INVALID");
}

TEST(Check, UnknownRegionIsAWarningNotInvalid) {
  for (const char* n : {"44040119900101123X", "14012019850615003X", "441282200002290043"}) {
    IdCheck c = check(n, kToday);
    EXPECT_TRUE(c.valid) << n;
    EXPECT_FALSE(c.region_known) << n;
    const RuleCheck* r = rule(c, "region");
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->ok);
    EXPECT_EQ(r->code, "ID_REGION_UNKNOWN");
  }
  IdCheck gd = check("44040119900101123X", kToday);
  EXPECT_NE(rule(gd, "region")->detail.find("广东省"), std::string::npos);
  IdCheck nowhere = check("990000198501011230", kToday);
  EXPECT_TRUE(nowhere.valid);
  EXPECT_NE(rule(nowhere, "region")->detail.find("unknown province"), std::string::npos);
}

TEST(Check, ResidencePermits) {
  struct V { const char* n; const char* name; const char* who; };
  for (V v : {V{"810000199501010015", "香港特别行政区", "Hong Kong"},
              V{"820000199501010025", "澳门特别行政区", "Macao"},
              V{"830000199501010035", "台湾省", "Taiwan"}}) {
    IdCheck c = check(v.n, kToday);
    EXPECT_TRUE(c.valid) << v.n;
    EXPECT_TRUE(c.residence_permit);
    EXPECT_TRUE(c.region_known);
    EXPECT_EQ(c.region_name, v.name);
    EXPECT_NE(rule(c, "region")->detail.find(v.who), std::string::npos);
  }
}

TEST(Advice, EveryCodeHasBothLanguages) {
  for (const char* code : {kFormat, kCheckCharacter, kBirthDateInvalid, kBirthDateFuture,
                           kAgeOutOfRange, kRegionUnknown, kSexMismatch, kMissing}) {
    Advice a = advice_for(code);
    EXPECT_FALSE(a.message.empty()) << code;
    EXPECT_FALSE(a.message_zh.empty()) << code;
    EXPECT_FALSE(a.en.empty()) << code;
    EXPECT_FALSE(a.zh.empty()) << code;
  }
  EXPECT_TRUE(advice_for("NO_SUCH_CODE").message.empty());
}

}  // namespace
}  // namespace shiming::idnumber

namespace shiming::idnumber {
namespace {

// ISO 7064 MOD 11-2 catches every single-digit substitution and every transposition of two
// different adjacent digits: checked over many generated numbers.
TEST(CheckCharacter, DetectsEverySingleSubstitutionAndAdjacentTransposition) {
  std::uint32_t x = 2026;
  for (int round = 0; round < 300; ++round) {
    std::string body;
    for (int i = 0; i < 17; ++i) {
      x = x * 1664525u + 1013904223u;
      body += static_cast<char>('0' + (x >> 16) % 10);
    }
    const char good = check_character(body);
    for (std::size_t i = 0; i < 17; ++i) {
      for (char d = '0'; d <= '9'; ++d) {
        if (d == body[i]) continue;
        std::string changed = body;
        changed[i] = d;
        EXPECT_NE(check_character(changed), good) << body << " pos " << i;
      }
      if (i + 1 < 17 && body[i] != body[i + 1]) {
        std::string swapped = body;
        std::swap(swapped[i], swapped[i + 1]);
        EXPECT_NE(check_character(swapped), good) << body << " swap " << i;
      }
    }
  }
}

// Arbitrary bytes never crash check(), and whatever it accepts round-trips.
TEST(Check, ArbitraryInputNeverCrashes) {
  std::uint32_t x = 7;
  const std::string alphabet = "0123456789Xx -\xEF\xBC\x91\xE3\x80\x80\xff";
  for (int round = 0; round < 20000; ++round) {
    x = x * 1664525u + 1013904223u;
    std::size_t len = (x >> 8) % 24;
    std::string s;
    for (std::size_t i = 0; i < len; ++i) {
      x = x * 1664525u + 1013904223u;
      s += alphabet[(x >> 16) % alphabet.size()];
    }
    IdCheck c = check(s, kToday);
    ASSERT_FALSE(c.checks.empty());
    if (c.valid) {
      EXPECT_EQ(c.normalized.size(), 18u);
      EXPECT_TRUE(check(c.normalized, kToday).valid);
    }
  }
}

}  // namespace
}  // namespace shiming::idnumber
