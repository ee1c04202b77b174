// The reader on generated passport pages (OCR-B zone, capture distortions, fixed seeds).
#include <gtest/gtest.h>

#include "shiming/mrz/mrz_reader.h"
#include "shiming/mrz/passport_generator.h"

namespace shiming::mrz {
namespace {

TEST(MrzReader, ReadsMostGeneratedPagesExactlyAndNeverAcceptsAWrongZone) {
  const int n = 12;
  int exact = 0;
  for (int seed = 100; seed < 100 + n; ++seed) {
    auto s = gen::make_sample(seed);
    ReaderOptions o;
    o.reference_year = 2026;
    auto r = read_mrz(s.jpeg, o);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_TRUE(r->found) << seed;
    if (!r->parsed) continue;
    bool same = r->parsed->lines[0] == s.lines[0] && r->parsed->lines[1] == s.lines[1];
    if (r->confident() && same) ++exact;
    if (r->confident() && !same)
      ADD_FAILURE() << "seed " << seed << " accepted a wrong zone: " << r->parsed->lines[1];
  }
  // The rest go to review or a retake, never a wrong zone; tests/bench/mrz measures the rate.
  EXPECT_GE(exact, n / 2);
}

TEST(MrzReader, FieldsOfGeneratedPages) {
  // Every page read confidently carries exactly the generated identity.
  int checked = 0;
  for (int seed = 1; seed <= 8; ++seed) {
    auto s = gen::make_sample(seed);
    ReaderOptions o;
    o.reference_year = 2026;
    auto r = read_mrz(s.jpeg, o);
    ASSERT_TRUE(r.ok());
    if (!r->confident()) continue;
    ++checked;
    EXPECT_EQ(r->parsed->fields.document_number, s.identity.document_number);
    EXPECT_EQ(r->parsed->fields.surname, s.identity.surname);
    EXPECT_EQ(r->parsed->fields.given_names, s.identity.given_names);
    EXPECT_EQ(r->parsed->fields.birth, s.identity.birth);
    EXPECT_EQ(r->parsed->fields.expiry, s.identity.expiry);
    EXPECT_EQ(r->parsed->fields.sex, s.identity.sex);
  }
  EXPECT_GE(checked, 4);
}

TEST(MrzReader, PageWithoutAZoneIsNotFound) {
  cv::Mat blank(900, 1200, CV_8UC3, cv::Scalar(200, 210, 220));
  auto jpeg = gen::encode_jpeg(blank, 90);
  auto r = read_mrz(jpeg);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->parsed && r->parsed->valid);
}

TEST(MrzReader, BadImagesAreClearErrors) {
  EXPECT_EQ(read_mrz({}).error().code, "IMAGE_UNREADABLE");
  EXPECT_EQ(read_mrz({'h', 'e', 'l', 'l', 'o'}).error().code, "IMAGE_UNREADABLE");
  auto jpeg = gen::make_sample(3).jpeg;
  jpeg.resize(jpeg.size() / 3);  // truncated JPEG: decodes partially or not at all, never crashes
  auto r = read_mrz(jpeg);
  if (!r.ok()) {
    EXPECT_EQ(r.error().code, "IMAGE_UNREADABLE");
  }
  ReaderOptions tiny;
  tiny.max_pixels = 1000;
  EXPECT_EQ(read_mrz(gen::make_sample(3).jpeg, tiny).error().code, "IMAGE_TOO_LARGE");
}

}  // namespace
}  // namespace shiming::mrz
