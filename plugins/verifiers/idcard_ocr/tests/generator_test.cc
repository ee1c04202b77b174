// The generator's identities are valid and varied, and its photos hold a card where it says.
#include <gtest/gtest.h>

#include <set>

#include "shiming/idcard_ocr/card_generator.h"
#include "shiming/idcard_ocr/text_rules.h"
#include "shiming/idnumber/id_number.h"

namespace {

using namespace shiming::idcard_ocr;
using namespace std::chrono;

TEST(Generator, IdentitiesAreValidAndVaried) {
  std::mt19937_64 rng(42);
  const year_month_day today{year(2026), month(6), day(1)};
  int x = 0, multi_line = 0, long_names = 0;
  std::set<std::string> ethnic;
  const int n = 600;
  for (int i = 0; i < n; ++i) {
    auto id = gen::random_identity(rng, today);
    shiming::idnumber::Options o;
    o.today = today;
    auto c = shiming::idnumber::check(id.id_number, o);
    ASSERT_TRUE(c.valid) << i;
    ASSERT_TRUE(c.region_known) << id.id_number.substr(0, 6);
    EXPECT_EQ(format_date(*c.birth), format_date(id.birth));
    EXPECT_EQ(id.sex == "男", c.sex == 'M');
    auto len = utf8_code_points(id.name).size();
    EXPECT_GE(len, 2u);
    EXPECT_LE(len, 4u);
    if (len >= 3) ++long_names;
    EXPECT_TRUE(snap_ethnicity(id.ethnicity, 0).has_value()) << id.ethnicity;
    ethnic.insert(id.ethnicity);
    if (id.id_number.back() == 'X') ++x;
    if (id.address_lines.size() >= 2) ++multi_line;
    for (const auto& l : id.address_lines) EXPECT_LE(utf8_code_points(l).size(), 22u);
    Validity v{id.valid_from, id.long_term, id.valid_to};
    EXPECT_TRUE(validity_span_allowed(v, id.birth)) << format_date(id.valid_from);
    EXPECT_LT(sys_days(id.valid_from), sys_days(today));
  }
  EXPECT_GT(x, n * 10 / 100);
  EXPECT_LT(x, n * 20 / 100);
  EXPECT_GT(multi_line, n / 3);
  EXPECT_GT(long_names, n / 10);
  EXPECT_GT(ethnic.size(), 20u);
}

TEST(Generator, SameSeedSamePhoto) {
  const year_month_day today{year(2026), month(6), day(1)};
  auto make = [&] {
    std::mt19937_64 rng(7);
    auto id = gen::random_identity(rng, today);
    gen::CaptureOptions o;
    o.max_megapixels = 1.2;
    return gen::photograph(id, gen::render_front, o, rng);
  };
  auto a = make(), b = make();
  ASSERT_EQ(a.image.size(), b.image.size());
  EXPECT_EQ(cv::norm(a.image, b.image, cv::NORM_L1), 0.0);
  EXPECT_GE(a.image.total(), 900'000u);
  for (const auto& p : a.corners) {
    EXPECT_GE(p.x, 0);
    EXPECT_LT(p.x, a.image.cols);
    EXPECT_GE(p.y, 0);
    EXPECT_LT(p.y, a.image.rows);
  }
}

}  // namespace
