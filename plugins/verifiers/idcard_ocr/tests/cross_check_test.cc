// cross_check on readings as the reader returns them.
#include <gtest/gtest.h>

#include "shiming/idcard_ocr/idcard_ocr.h"
#include "shiming/idnumber/id_number.h"

namespace {

using namespace shiming::idcard_ocr;
using namespace std::chrono;

const year_month_day kToday{year(2026), month(6), day(1)};
const year_month_day kExam{year(2026), month(11), day(7)};

SideReading front_of(std::string number = "11010519491231002X", std::string birth = "1949-12-31",
                     std::string sex = "女", double conf = 0.97) {
  SideReading r;
  r.requested = Side::front;
  r.card_found = true;
  r.fields = {{"name", {"张三", conf}},      {"sex", {sex, conf}},          {"ethnicity", {"汉", conf}},
              {"birth", {birth, conf}},       {"address", {"北京市朝阳区建设路1号", conf}},
              {"id_number", {number, conf}}};
  return r;
}

SideReading back_of(std::string from = "2010-01-05", std::string to = "长期", double conf = 0.97) {
  SideReading r;
  r.requested = Side::back;
  r.card_found = true;
  r.fields = {{"issuing_authority", {"北京市公安局朝阳分局", conf}}, {"valid_from", {from, conf}},
              {"valid_to", {to, conf}}};
  return r;
}

CardCheck run(const SideReading& f, const SideReading& b, Declared d = {"张三", "11010519491231002X"},
              CrossCheckOptions o = {}) {
  return cross_check(&f, &b, d, o, kExam, kToday);
}

TEST(CrossCheck, ConsistentCardPasses) {
  auto c = run(front_of(), back_of());
  EXPECT_EQ(c.verdict, Verdict::pass);
  EXPECT_TRUE(c.reasons.empty());
  EXPECT_EQ(c.fields.size(), 9u);
}

TEST(CrossCheck, DeclaredNumberAndNameMustMatch) {
  auto c = run(front_of(), back_of(), {"张三", "110105194912310021"});
  EXPECT_EQ(c.verdict, Verdict::fail);
  EXPECT_EQ(c.reasons, std::vector<std::string>{"ID_NUMBER_MISMATCH"});
  EXPECT_EQ(run(front_of(), back_of(), {"张 三", "11010519491231002x"}).verdict, Verdict::pass);
  auto n = run(front_of(), back_of(), {"张山", "11010519491231002X"});
  EXPECT_EQ(n.reasons, std::vector<std::string>{"NAME_MISMATCH"});
  CrossCheckOptions exact;
  exact.name_match = NameMatch::exact;
  EXPECT_EQ(run(front_of(), back_of(), {"张 三", "11010519491231002X"}, exact).reasons,
            std::vector<std::string>{"NAME_MISMATCH"});
}

TEST(CrossCheck, PrintedBirthAndSexMustAgreeWithTheNumber) {
  EXPECT_EQ(run(front_of("11010519491231002X", "1949-12-30"), back_of()).reasons,
            std::vector<std::string>{"BIRTH_MISMATCH"});
  EXPECT_EQ(run(front_of("11010519491231002X", "1949-12-31", "男"), back_of()).reasons,
            std::vector<std::string>{"SEX_MISMATCH"});
}

TEST(CrossCheck, LowConfidenceGoesToReviewNotRejection) {
  auto f = front_of();
  f.fields["name"].confidence = 0.4;
  auto c = run(f, back_of(), {"张山", "11010519491231002X"});
  EXPECT_EQ(c.verdict, Verdict::needs_review);
  EXPECT_EQ(c.reasons, std::vector<std::string>{"OCR_LOW_CONFIDENCE"});
  // The threshold is the province's.
  CrossCheckOptions lenient;
  lenient.min_field_confidence = 0.3;
  EXPECT_EQ(run(f, back_of(), {"张三", "11010519491231002X"}, lenient).verdict, Verdict::pass);
  // A missing field is uncertain too.
  auto g = front_of();
  g.fields.erase("address");
  EXPECT_EQ(run(g, back_of()).verdict, Verdict::needs_review);
}

TEST(CrossCheck, ExpiryOnTheExamDateAndLawfulSpans) {
  // Born 1995: 10-year card issued 2016 expires 2026-07-01, before the exam in November.
  std::string number = "11010519950601001";
  number += shiming::idnumber::check_character(number);
  auto f = front_of(number, "1995-06-01", "男");
  auto c = run(f, back_of("2016-07-01", "2026-07-01"), {"", ""});
  EXPECT_EQ(c.verdict, Verdict::fail);
  EXPECT_EQ(c.reasons, std::vector<std::string>{"CARD_EXPIRED"});
  CrossCheckOptions no_expiry;
  no_expiry.check_expiry = false;
  EXPECT_EQ(run(f, back_of("2016-07-01", "2026-07-01"), {"", ""}, no_expiry).verdict, Verdict::pass);
  EXPECT_EQ(run(f, back_of("2016-12-01", "2026-12-01"), {"", ""}).verdict, Verdict::pass);
  // 长期 for someone who was 21 at issue is not lawful; neither is a 7-year span.
  EXPECT_EQ(run(f, back_of("2016-12-01", "长期"), {"", ""}).reasons,
            std::vector<std::string>{"VALIDITY_SPAN_INVALID"});
  EXPECT_EQ(run(f, back_of("2016-12-01", "2023-12-01"), {"", ""}).reasons,
            (std::vector<std::string>{"CARD_EXPIRED", "VALIDITY_SPAN_INVALID"}));
}

TEST(CrossCheck, CaptureProblemsAreReportedAsSuch) {
  SideReading bad;
  bad.requested = Side::back;
  bad.reasons = {"WRONG_SIDE"};
  auto c = run(front_of(), bad);
  EXPECT_EQ(c.verdict, Verdict::fail);
  EXPECT_EQ(c.reasons, std::vector<std::string>{"WRONG_SIDE"});
}

}  // namespace
