// Parser tests with the ICAO 9303 specimen zones and corrupted variants.
#include <gtest/gtest.h>

#include "shiming/mrz/mrz.h"

namespace shiming::mrz {
namespace {

const std::string kTd3a = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
const std::string kTd3b = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";
const std::string kTd1a = "I<UTOD231458907<<<<<<<<<<<<<<<";
const std::string kTd1b = "7408122F1204159UTO<<<<<<<<<<<6";
const std::string kTd1c = "ERIKSSON<<ANNA<MARIA<<<<<<<<<<";
const std::string kTd2a = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<";
const std::string kTd2b = "D231458907UTO7408122F1204159<<<<<<<6";

ParsedMrz ok_parse(const std::vector<std::string>& lines, bool correct = true) {
  ParseOptions o;
  o.reference_year = 2026;
  o.correct = correct;
  auto r = parse(lines, o);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : ParsedMrz{};
}

const CheckResult* check(const ParsedMrz& p, const std::string& name) {
  for (const auto& c : p.checks)
    if (c.name == name) return &c;
  return nullptr;
}

TEST(CheckDigit, IcaoExamples) {
  EXPECT_EQ(check_digit("L898902C3"), 6);
  EXPECT_EQ(check_digit("740812"), 2);
  EXPECT_EQ(check_digit("120415"), 9);
  EXPECT_EQ(check_digit("D23145890"), 7);
  EXPECT_EQ(check_digit("ZE184226B<<<<<"), 1);
  EXPECT_EQ(check_digit("<<<"), 0);
  EXPECT_EQ(check_digit("ab"), -1);
}

TEST(ParseTd3, SpecimenIsValidWithAllFields) {
  auto p = ok_parse({kTd3a, kTd3b});
  EXPECT_EQ(p.format, Format::td3);
  EXPECT_TRUE(p.valid);
  EXPECT_EQ(p.fields.document_code, "P");
  EXPECT_EQ(p.fields.issuing_state, "UTO");
  EXPECT_EQ(p.fields.document_number, "L898902C3");
  EXPECT_EQ(p.fields.surname, "ERIKSSON");
  EXPECT_EQ(p.fields.given_names, "ANNA MARIA");
  EXPECT_EQ(p.fields.nationality, "UTO");
  EXPECT_EQ(p.fields.birth, "1974-08-12");
  EXPECT_EQ(p.fields.expiry, "2012-04-15");
  EXPECT_EQ(p.fields.sex, "F");
  EXPECT_EQ(p.fields.optional_data, "ZE184226B");
  ASSERT_EQ(p.checks.size(), 5u);
  for (const auto& c : p.checks) EXPECT_TRUE(c.ok) << c.name;
  EXPECT_TRUE(p.corrections.empty());
}

TEST(ParseTd3, LowerCaseSpacesAndShortNameLineAreNormalised) {
  auto p = ok_parse({"p<utoeriksson<<anna<maria", "L898902C3 6UTO7408122F1204159ZE184226B<<<<<10"});
  EXPECT_TRUE(p.valid);
  EXPECT_EQ(p.lines[0], kTd3a);
}

TEST(ParseTd3, WrongDocumentNumberDigitFailsWithoutACorrection) {
  std::string b = kTd3b;
  b[9] = '7';
  auto p = ok_parse({kTd3a, b});
  EXPECT_FALSE(p.valid);
  EXPECT_FALSE(check(p, "document_number")->ok);
  EXPECT_EQ(check(p, "document_number")->expected, '6');
  EXPECT_EQ(check(p, "document_number")->found, '7');
  EXPECT_FALSE(check(p, "composite")->ok);
  EXPECT_TRUE(check(p, "birth")->ok);
  EXPECT_TRUE(p.corrections.empty());
}

TEST(ParseTd3, WrongCompositeDigitOnly) {
  std::string b = kTd3b;
  b[43] = '1';
  auto p = ok_parse({kTd3a, b});
  EXPECT_FALSE(p.valid);
  EXPECT_FALSE(check(p, "composite")->ok);
  EXPECT_EQ(check(p, "composite")->expected, '0');
  EXPECT_TRUE(check(p, "document_number")->ok);
}

TEST(ParseTd3, WrongBirthDigit) {
  std::string b = kTd3b;
  b[19] = '3';
  auto p = ok_parse({kTd3a, b});
  EXPECT_FALSE(p.valid);
  EXPECT_FALSE(check(p, "birth")->ok);
}

TEST(ParseTd3, LettersInDatesAreFixedWhenTheDigitsConfirm) {
  std::string b = kTd3b;
  b[17] = 'I';  // birth 7408I2
  b[21] = 'I';  // expiry I204I5 (its weighted sum happens to match the digit: still refused)
  b[25] = 'I';
  b[43] = 'O';  // composite 0 -> O
  auto p = ok_parse({kTd3a, b});
  EXPECT_TRUE(p.valid) << to_json(p).dump();
  EXPECT_EQ(p.fields.birth, "1974-08-12");
  EXPECT_EQ(p.fields.expiry, "2012-04-15");
  EXPECT_EQ(p.lines[1], kTd3b);
  EXPECT_EQ(p.lines_read[1], b);
  EXPECT_EQ(p.corrections.size(), 4u);
}

TEST(ParseTd3, LetterInADateWithoutCorrectionIsInvalid) {
  std::string b = kTd3b;
  b[21] = 'I';
  b[25] = 'I';
  auto p = ok_parse({kTd3a, b}, false);
  EXPECT_FALSE(p.valid);
  EXPECT_FALSE(check(p, "expiry")->ok);
}

TEST(ParseTd3, ConfusionInDocumentNumberIsFixedOnlyWhenDigitsAgree) {
  std::string b = kTd3b;
  b[5] = 'O';  // L8989O2C3: O and 0 differ in value, so the digit catches it
  auto p = ok_parse({kTd3a, b});
  EXPECT_TRUE(p.valid) << to_json(p).dump();
  EXPECT_EQ(p.fields.document_number, "L898902C3");
  ASSERT_EQ(p.corrections.size(), 1u);
  EXPECT_EQ(p.corrections[0].from, 'O');
  EXPECT_EQ(p.corrections[0].to, '0');
  EXPECT_EQ(p.corrections[0].column, 6);
  EXPECT_EQ(p.corrections[0].field, "document_number");

  auto raw = ok_parse({kTd3a, b}, false);
  EXPECT_FALSE(raw.valid);
  EXPECT_TRUE(raw.corrections.empty());
}

TEST(ParseTd3, AmbiguousFixIsNotGuessed) {
  // X12I4567< read for X1214567<: turning either I back into 1 or the first 1 into I satisfies
  // the digit (same weight, same value difference), so nothing is changed.
  std::string good = "X1214567<3UTO7408122F1204159<<<<<<<<<<<<<<<4";
  ASSERT_TRUE(ok_parse({kTd3a, good}).valid);
  std::string bad = good;
  bad[3] = 'I';
  auto p = ok_parse({kTd3a, bad});
  EXPECT_FALSE(p.valid);
  EXPECT_TRUE(p.corrections.empty());
  EXPECT_EQ(p.fields.document_number, "X12I4567");
}

TEST(ParseTd3, DocumentNumberFixesAreNeverWrong) {
  // Every single confusion in the specimen's document number: either repaired to the truth
  // or left as read (invalid), never "repaired" into something else.
  const std::pair<char, char> pairs[] = {{'O', '0'}, {'I', '1'}, {'S', '5'}, {'B', '8'}, {'Z', '2'}, {'G', '6'}};
  int repaired = 0, tried = 0;
  for (int pos = 0; pos < 9; ++pos) {
    for (auto [letter, digit] : pairs) {
      std::string bad = kTd3b;
      if (bad[pos] == digit) bad[pos] = letter;
      else if (bad[pos] == letter) bad[pos] = digit;
      else continue;
      ++tried;
      auto p = ok_parse({kTd3a, bad});
      if (p.valid) {
        ++repaired;
        EXPECT_EQ(p.lines[1], kTd3b) << bad;
      } else {
        EXPECT_TRUE(p.corrections.empty()) << bad;
      }
    }
  }
  EXPECT_EQ(tried, 4);  // 8, 8, 0, 2
  EXPECT_GE(repaired, 1);  // the 8s and the 2 share weights with other confusables: ambiguous
}

TEST(ParseTd3, DigitsInNamesAreLetterFixes) {
  std::string a = "P<UT0ER1KSSON<<ANNA<MAR1A<<<<<<<<<<<<<<<<<<<";
  auto p = ok_parse({a, kTd3b});
  EXPECT_TRUE(p.valid);
  EXPECT_EQ(p.fields.issuing_state, "UTO");
  EXPECT_EQ(p.fields.surname, "ERIKSSON");
  EXPECT_EQ(p.fields.given_names, "ANNA MARIA");
  EXPECT_EQ(p.corrections.size(), 3u);
  for (const auto& c : p.corrections) EXPECT_EQ(c.kind, "format");

  std::string bad = "P<UTOERIK7SON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
  auto q = ok_parse({bad, kTd3b});
  EXPECT_FALSE(q.valid);
  EXPECT_FALSE(q.problems.empty());
}

TEST(ParseTd3, TextAfterTheNamePaddingIsInvalid) {
  auto p = ok_parse({"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<KKKWWW", kTd3b});
  EXPECT_FALSE(p.valid);
  for (const auto& c : p.checks) EXPECT_TRUE(c.ok);
}

TEST(ParseTd3, ImpossibleDateIsInvalidEvenWithMatchingDigit) {
  std::string b = kTd3b;
  b.replace(13, 6, "741312");  // month 13
  b[19] = static_cast<char>('0' + check_digit("741312"));
  std::string comp = b.substr(0, 10) + b.substr(13, 7) + b.substr(21, 22);
  b[43] = static_cast<char>('0' + check_digit(comp));
  auto p = ok_parse({kTd3a, b});
  EXPECT_FALSE(p.valid);
  for (const auto& c : p.checks) EXPECT_TRUE(c.ok) << c.name;
  EXPECT_TRUE(p.fields.birth.empty());
}

TEST(ParseTd3, SexFillerIsX) {
  std::string b = kTd3b;
  b[20] = '<';
  // Sex is outside every check digit.
  auto p = ok_parse({kTd3a, b});
  EXPECT_TRUE(p.valid);
  EXPECT_EQ(p.fields.sex, "X");
}

TEST(ParseTd1, SpecimenIsValid) {
  auto p = ok_parse({kTd1a, kTd1b, kTd1c});
  EXPECT_EQ(p.format, Format::td1);
  EXPECT_TRUE(p.valid) << to_json(p).dump();
  EXPECT_EQ(p.fields.document_code, "I");
  EXPECT_EQ(p.fields.document_number, "D23145890");
  EXPECT_EQ(p.fields.surname, "ERIKSSON");
  EXPECT_EQ(p.fields.given_names, "ANNA MARIA");
  EXPECT_EQ(p.fields.birth, "1974-08-12");
  EXPECT_EQ(p.fields.expiry, "2012-04-15");
  EXPECT_EQ(p.fields.nationality, "UTO");
  EXPECT_EQ(p.checks.size(), 4u);
}

TEST(ParseTd1, LongDocumentNumberOverflowsIntoOptionalData) {
  // ICAO 9303-5 example: D23145890734 with its check digit 9 after the filler.
  std::string a = "I<UTOD23145890<7349<<<<<<<<<<<";
  std::string b = "7408122F1204159UTO<<<<<<<<<<<0";
  std::string comp = a.substr(5, 25) + b.substr(0, 7) + b.substr(8, 7) + b.substr(18, 11);
  b[29] = static_cast<char>('0' + check_digit(comp));
  a[18] = static_cast<char>('0' + check_digit("D23145890734"));
  comp = a.substr(5, 25) + b.substr(0, 7) + b.substr(8, 7) + b.substr(18, 11);
  b[29] = static_cast<char>('0' + check_digit(comp));
  auto p = ok_parse({a, b, kTd1c});
  EXPECT_TRUE(p.valid) << to_json(p).dump();
  EXPECT_EQ(p.fields.document_number, "D23145890734");
}

TEST(ParseTd1, CorruptedCompositeFails) {
  std::string b = kTd1b;
  b[29] = '5';
  auto p = ok_parse({kTd1a, b, kTd1c});
  EXPECT_FALSE(p.valid);
  EXPECT_FALSE(check(p, "composite")->ok);
}

TEST(ParseTd2, SpecimenIsValid) {
  auto p = ok_parse({kTd2a, kTd2b});
  EXPECT_EQ(p.format, Format::td2);
  EXPECT_TRUE(p.valid) << to_json(p).dump();
  EXPECT_EQ(p.fields.document_number, "D23145890");
  EXPECT_EQ(p.fields.surname, "ERIKSSON");
  EXPECT_EQ(p.fields.given_names, "ANNA MARIA");
  EXPECT_EQ(p.fields.sex, "F");
}

TEST(ParseTd2, ConfusedExpiryFixed) {
  std::string b = kTd2b;
  b[22] = 'Z';  // 1204 -> 1Z04
  auto p = ok_parse({kTd2a, b});
  EXPECT_TRUE(p.valid);
  EXPECT_EQ(p.fields.expiry, "2012-04-15");
}

TEST(ParseErrors, ClearCodes) {
  ParseOptions o;
  EXPECT_EQ(parse({}, o).error().code, "MRZ_EMPTY");
  EXPECT_EQ(parse({"", "  "}, o).error().code, "MRZ_EMPTY");
  EXPECT_EQ(parse({kTd3a}, o).error().code, "MRZ_LINE_COUNT");
  EXPECT_EQ(parse({kTd1a, kTd1b, kTd1c, kTd1c}, o).error().code, "MRZ_LINE_COUNT");
  EXPECT_EQ(parse({kTd3a, kTd3b.substr(0, 43)}, o).error().code, "MRZ_LENGTH");
  EXPECT_EQ(parse({kTd3a, kTd3b + "1"}, o).error().code, "MRZ_LENGTH");
  auto e = parse({kTd3a, "L898902C36UTO7408122F1204159ZE184226B<<<<<1*"}, o);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, "MRZ_CHARACTER");
  EXPECT_FALSE(e.error().message_zh.empty());
  EXPECT_NE(e.error().message.find("column 44"), std::string::npos);
  EXPECT_EQ(parse({kTd3a, "L898902C36UTO7408122F1204159ZE184226B<<<<<1\xE4"}, o).error().code,
            "MRZ_CHARACTER");
}

TEST(ParseJson, HasEveryCheckAndTheLinesAsRead) {
  std::string b = kTd3b;
  b[5] = 'O';
  auto p = ok_parse({kTd3a, b});
  auto j = to_json(p);
  EXPECT_EQ(j["format"], "TD3");
  EXPECT_EQ(j["mrz"][1], b);
  EXPECT_EQ(j["mrz_corrected"][1], kTd3b);
  EXPECT_EQ(j["valid"], true);
  EXPECT_EQ(j["fields"]["birth"], "1974-08-12");
  EXPECT_EQ(j["fields"]["sex"], "F");
  ASSERT_EQ(j["checks"].size(), 5u);
  EXPECT_EQ(j["checks"][0]["field"], "document_number");
  EXPECT_EQ(j["checks"][0]["ok"], true);
  EXPECT_EQ(j["corrections"][0]["to"], "0");
}

}  // namespace
}  // namespace shiming::mrz
