#include <gtest/gtest.h>

#include "shiming/idcard_ocr/text_rules.h"
#include "shiming/idnumber/id_number.h"

namespace {

using namespace shiming::idcard_ocr;
using namespace std::chrono;

TEST(TextRules, FiftySixEthnicGroupsAndSnapping) {
  EXPECT_EQ(ethnicities().size(), 56u);
  EXPECT_EQ(snap_ethnicity("汉")->value, "汉");
  EXPECT_EQ(snap_ethnicity("汉族")->value, "汉");
  EXPECT_EQ(snap_ethnicity("维吾尔")->value, "维吾尔");
  EXPECT_EQ(snap_ethnicity("维吾")->value, "维吾尔");        // one character lost
  EXPECT_EQ(snap_ethnicity("柯尔克孜族")->value, "柯尔克孜");
  EXPECT_FALSE(snap_ethnicity("伦佬").has_value());             // 仡佬 or 仫佬: ambiguous
  EXPECT_FALSE(snap_ethnicity("火").has_value());               // a one-character name must be exact
  EXPECT_FALSE(snap_ethnicity("").has_value());
  EXPECT_FALSE(snap_ethnicity("abc").has_value());
}

TEST(TextRules, EditDistanceAndAccuracy) {
  EXPECT_EQ(edit_distance("北京市朝阳区", "北京市朝阳区"), 0);
  EXPECT_EQ(edit_distance("北京市朝阳区", "北京朝阳区"), 1);
  EXPECT_EQ(edit_distance("", "北京"), 2);
  EXPECT_DOUBLE_EQ(char_accuracy("北京市朝阳区", "北京市朝阳区"), 1.0);
  EXPECT_NEAR(char_accuracy("北京市朝阳区", "北京市朝阳"), 5.0 / 6, 1e-9);
  EXPECT_DOUBLE_EQ(char_accuracy("北京", "完全不同的很长文字"), 0.0);
}

TEST(TextRules, NameNormalisation) {
  EXPECT_EQ(normalize_name("张 三"), "张三");
  EXPECT_EQ(normalize_name("张\xE3\x80\x80三"), "张三");                 // ideographic space
  EXPECT_EQ(normalize_name("买买提・艾力"), normalize_name("买买提·艾力"));  // katakana middle dot
  EXPECT_EQ(normalize_name("ＡＢＣ"), "ABC");                            // full-width
  EXPECT_NE(normalize_name("张三"), normalize_name("张山"));
}

TEST(TextRules, Dates) {
  EXPECT_EQ(format_date(year_month_day{year(1990), month(1), day(5)}), "1990-01-05");
  EXPECT_TRUE(parse_iso_date("2024-02-29").has_value());
  EXPECT_FALSE(parse_iso_date("2023-02-29").has_value());
  EXPECT_FALSE(parse_iso_date("2023/02/01").has_value());
  auto b = parse_printed_birth("1990年1月5日");
  ASSERT_TRUE(b);
  EXPECT_EQ(format_date(*b), "1990-01-05");
  EXPECT_EQ(format_date(*parse_printed_birth("2001 年 12 月 31 日")), "2001-12-31");
  EXPECT_FALSE(parse_printed_birth("1990年13月5日").has_value());
  EXPECT_FALSE(parse_printed_birth("年月日").has_value());
}

TEST(TextRules, ValidityParsing) {
  auto v = parse_validity("2015.03.01-2035.03.01");
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->long_term);
  EXPECT_EQ(format_date(v->from), "2015-03-01");
  EXPECT_EQ(format_date(v->to), "2035-03-01");
  auto l = parse_validity("2008.11.20-长期");
  ASSERT_TRUE(l);
  EXPECT_TRUE(l->long_term);
  EXPECT_FALSE(parse_validity("2015.03.01-2035.13.01").has_value());
  EXPECT_FALSE(parse_validity("2015.03.01").has_value());
}

TEST(TextRules, LawfulSpans) {
  auto d = [](int y, unsigned m, unsigned dd) { return year_month_day{year(y), month(m), day(dd)}; };
  Validity v10{d(2015, 3, 1), false, d(2025, 3, 1)};
  EXPECT_TRUE(validity_span_allowed(v10, d(1995, 6, 1)));   // 19 at issue: 10 years
  EXPECT_FALSE(validity_span_allowed(v10, d(1970, 6, 1)));  // 44 at issue: 20 years expected
  Validity v20{d(2015, 3, 1), false, d(2035, 3, 1)};
  EXPECT_TRUE(validity_span_allowed(v20, d(1980, 6, 1)));
  Validity v7{d(2015, 3, 1), false, d(2022, 3, 1)};
  EXPECT_FALSE(validity_span_allowed(v7, d(1980, 6, 1)));   // 7 years: never lawful
  Validity lt{d(2015, 3, 1), true, {}};
  EXPECT_TRUE(validity_span_allowed(lt, d(1960, 6, 1)));
  EXPECT_FALSE(validity_span_allowed(lt, d(1995, 6, 1)));
  Validity v5{d(2016, 2, 29), false, d(2021, 2, 28)};        // issued on Feb 29
  EXPECT_TRUE(validity_span_allowed(v5, d(2010, 1, 1)));
  // The span alone, whatever the age.
  EXPECT_EQ(validity_span_years(v10), 10);
  EXPECT_EQ(validity_span_years(v20), 20);
  EXPECT_EQ(validity_span_years(v5), 5);
  EXPECT_EQ(validity_span_years(lt), -1);
  EXPECT_EQ(validity_span_years(v7), 0);
  Validity misread{d(2017, 5, 26), false, d(2022, 5, 20)};    // a digit of the day misread
  EXPECT_EQ(validity_span_years(misread), 0);
}

}  // namespace

namespace {

TEST(TextRules, AddressRegionsSnapToTheRegionTable) {
  // One character misread in the city, the district, the county.
  EXPECT_EQ(snap_address_regions("新疆维吾尔自治区乌鲁森齐市天山区北京东路255号", "650102"),
            "新疆维吾尔自治区乌鲁木齐市天山区北京东路255号");
  EXPECT_EQ(snap_address_regions("山东省青岛市凡山区新华乡杨柳村2组26号", "370212"),
            "山东省青岛市崂山区新华乡杨柳村2组26号");
  EXPECT_EQ(snap_address_regions("河南省驻马店市平僵县桥头镇", ""), "河南省驻马店市平舆县桥头镇");
  // A stray mark before the province; a municipality (no city level).
  EXPECT_EQ(snap_address_regions("盐浙江省杭州市西湖区石门乡", "330106"), "浙江省杭州市西湖区石门乡");
  EXPECT_EQ(snap_address_regions("北京市海淀区新华街328号", "110108"), "北京市海淀区新华街328号");
  EXPECT_EQ(snap_address_regions("北京市海定区新华街328号", "110108"), "北京市海淀区新华街328号");
  // The holder moved: the address's own names count, not the number's region.
  EXPECT_EQ(snap_address_regions("广东省深圳市南山区科技园", "110108"), "广东省深圳市南山区科技园");
  // Nothing like a place: left as read.
  EXPECT_EQ(snap_address_regions("某某路12号", "110108"), "某某路12号");
  EXPECT_EQ(snap_address_regions("", ""), "");
}

}  // namespace

namespace {

TEST(TextRules, AddressOnesPutBack) {
  // Reads seen on generated photos: the digit 1 as ] between Chinese characters or after a digit.
  EXPECT_EQ(address_ones("路302号17号楼]单元475"), "路302号17号楼1单元475");
  EXPECT_EQ(address_ones("镇红星村11组7]号"), "镇红星村11组71号");
  EXPECT_EQ(address_ones("路302号17号楼j单元475"), "路302号17号楼1单元475");
  EXPECT_EQ(address_ones("5|单元"), "51单元");
  // Next to a 1 it is that 1 read twice.
  EXPECT_EQ(address_ones("1]室"), "1室");
  EXPECT_EQ(address_ones("5组6]1号"), "5组61号");
  // Letters that stand as letters are left.
  EXPECT_EQ(address_ones("A座"), "A座");
  EXPECT_EQ(address_ones("光明巷29号i"), "光明巷29号i");
  EXPECT_EQ(address_ones("12l号"), "121号");
  EXPECT_EQ(address_ones("陕西省西安市"), "陕西省西安市");
}

TEST(TextRules, BirthReadsScatterAroundTheNumbersDate) {
  using namespace std::chrono;
  const year_month_day d{year(1957), month(11), day(25)};
  const year_month_day d29{year(1957), month(11), day(29)}, d22{year(1957), month(11), day(22)};
  EXPECT_TRUE(birth_reads_scatter_around({d29, d22}, d));
  EXPECT_TRUE(birth_reads_scatter_around({d29, d22, d29}, d));
  EXPECT_TRUE(birth_reads_scatter_around({d29, year_month_day{year(1951), month(11), day(25)}}, d));
  // Every read the same other date: a misprint or another card, not scatter.
  EXPECT_FALSE(birth_reads_scatter_around({d29, d29}, d));
  EXPECT_FALSE(birth_reads_scatter_around({d29}, d));
  EXPECT_FALSE(birth_reads_scatter_around({}, d));
  // One read two digits away: not explained by the number's date.
  EXPECT_FALSE(birth_reads_scatter_around({d29, year_month_day{year(1957), month(12), day(29)}}, d));
  EXPECT_FALSE(birth_reads_scatter_around({d29, year_month_day{year(1967), month(1), day(25)}}, d));
}

TEST(TextRules, BirthOneDigitShort) {
  const std::chrono::year_month_day d{std::chrono::year(1990), std::chrono::month(11), std::chrono::day(16)};
  EXPECT_TRUE(printed_birth_one_digit_short("1990年1月16日", d));
  EXPECT_TRUE(printed_birth_one_digit_short("1990年11月6日", d));
  EXPECT_TRUE(printed_birth_one_digit_short("990年11月16日", d));
  EXPECT_FALSE(printed_birth_one_digit_short("1990年11月16日", d));  // not short: parse it instead
  EXPECT_FALSE(printed_birth_one_digit_short("1990年1月6日", d));    // two digits lost
  EXPECT_FALSE(printed_birth_one_digit_short("1990年7月16日", d));   // another digit, not a lost one
  EXPECT_FALSE(printed_birth_one_digit_short("1990年12月16日", d));
  EXPECT_FALSE(printed_birth_one_digit_short("199011月16日", d));
  const std::chrono::year_month_day jan{std::chrono::year(1965), std::chrono::month(1), std::chrono::day(27)};
  EXPECT_TRUE(printed_birth_one_digit_short("1965年月27日", jan));
  EXPECT_FALSE(printed_birth_one_digit_short("1965年月日", jan));
}

}  // namespace

namespace {

TEST(TextRules, IssuingAuthoritySnapsToTheAddressDistrict) {
  EXPECT_EQ(snap_issuing_authority("平与县公安局", "河南省驻马店市平舆县桥头镇王家庄村4组92号"), "平舆县公安局");
  EXPECT_EQ(snap_issuing_authority("厦门市公安局思了明分局", "福建省厦门市思明区人民路1号"),
            "厦门市公安局思明分局");
  EXPECT_EQ(snap_issuing_authority("北京市公安局海淀分居", "北京市海淀区新华街328号"), "北京市公安局海淀分局");
  // Issued elsewhere (the holder moved): left as read.
  EXPECT_EQ(snap_issuing_authority("南京市公安局玄武分局", "北京市海淀区新华街328号"), "南京市公安局玄武分局");
  // The branch read exactly, the city's name garbled: the address's city.
  EXPECT_EQ(snap_issuing_authority("三田而公安局天河分局", "广东省广州市天河区滨江路100号"), "广州市公安局天河分局");
  // A different branch (the holder moved) is left as read.
  EXPECT_EQ(snap_issuing_authority("三田而公安局越秀分局", "广东省广州市天河区滨江路100号"), "三田而公安局越秀分局");
  EXPECT_EQ(snap_issuing_authority("平与县公安局", "某某路12号"), "平与县公安局");
}

// The number from per-position candidates: the check character settles one doubtful position.
TEST(TextRules, IdNumberResolvedByCheckCharacter) {
  const std::string truth = "11010519491231002X";  // valid (GB 11643 example)
  auto confident = [](const std::string& n) {
    std::vector<PositionCandidates> p;
    for (char c : n) p.push_back({{c, 0.95}});
    return p;
  };
  auto r = resolve_id_number(confident(truth));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->number, truth);
  EXPECT_EQ(r->changed, 0);

  // The second digit of the sequence (0) read as 3, with 0 as the model's runner-up there:
  // corrected.
  std::string misread = truth;
  misread[15] = '3';
  auto p = confident(misread);
  p[15] = {{'3', 0.55}, {'0', 0.40}};
  r = resolve_id_number(p);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->number, truth);
  EXPECT_EQ(r->changed, 1);

  // Without a candidate for the right character nothing is guessed.
  p[15] = {{'3', 0.55}};
  EXPECT_FALSE(resolve_id_number(p).has_value());
  // Two doubtful positions each with a candidate that makes a valid number (0 at the 16th or
  // 4 at the 15th: both pass the check), equally weighted: ambiguous, nothing is returned.
  auto q = confident(misread);
  q[15] = {{'3', 0.5}, {'0', 0.4}};
  q[14] = {{'0', 0.5}, {'4', 0.4}};
  EXPECT_TRUE(shiming::idnumber::check("11010519491231432X", shiming::idnumber::Options{}).valid);
  EXPECT_FALSE(resolve_id_number(q).has_value());
  // The same with one candidate far more likely: that one.
  q[14] = {{'0', 0.5}, {'4', 0.05}};
  r = resolve_id_number(q);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->number, truth);
  // Not 18 positions.
  EXPECT_FALSE(resolve_id_number(std::vector<PositionCandidates>(17, {{'1', 1.0}})).has_value());
}

}  // namespace
