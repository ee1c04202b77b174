// read_side on generated photos and on bad input: real images, real Tesseract.
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "photo_helpers.h"
#include "shiming/idcard_ocr/idcard_ocr.h"
#include "shiming/idcard_ocr/reasons.h"
#include "shiming/idcard_ocr/text_rules.h"

namespace {

using namespace shiming::idcard_ocr;
using namespace shiming::idcard_ocr::testing;
using namespace std::chrono;

const year_month_day kToday{year(2026), month(6), day(1)};

std::string field(const SideReading& r, const char* key) {
  auto it = r.fields.find(key);
  return it == r.fields.end() ? std::string() : it->second.value;
}

std::string codes(const SideReading& r) {
  std::string s;
  for (const auto& c : r.reasons) s += c + " ";
  return s;
}

TEST(Reader, ReadsBothSidesOfEasyAndModerateCards) {
  std::mt19937_64 rng(1001);
  for (int difficulty : {0, 1, 2}) {
    auto id = gen::random_identity(rng, kToday);
    auto truth = id.truth_json();
    gen::CaptureOptions o;
    o.difficulty = difficulty;
    o.max_megapixels = 2.0;
    o.upside_down_rate = 0;
    auto front = read_side(jpeg(gen::photograph(id, gen::render_front, o, rng).image), Side::front);
    auto back = read_side(jpeg(gen::photograph(id, gen::render_back, o, rng).image), Side::back);
    SCOPED_TRACE("difficulty " + std::to_string(difficulty) + " " + codes(front) + codes(back));
    ASSERT_TRUE(front.reasons.empty());
    ASSERT_TRUE(back.reasons.empty());
    EXPECT_EQ(field(front, "id_number"), truth["id_number"]);
    EXPECT_EQ(field(front, "sex"), truth["sex"]);
    EXPECT_EQ(field(front, "birth"), truth["birth"]);
    EXPECT_EQ(field(front, "ethnicity"), truth["ethnicity"]);
    // Rare characters in names are the hardest part; at difficulty 2 one may be misread.
    if (difficulty < 2) EXPECT_GE(char_accuracy(truth["name"].get<std::string>(), field(front, "name")), 0.5);
    EXPECT_FALSE(field(front, "name").empty());
    EXPECT_GE(char_accuracy(truth["address"].get<std::string>(), field(front, "address")), 0.9);
    EXPECT_EQ(field(back, "valid_from"), truth["valid_from"]);
    EXPECT_EQ(field(back, "valid_to"), truth["valid_to"]);
    EXPECT_GE(char_accuracy(truth["issuing_authority"].get<std::string>(), field(back, "issuing_authority")), 0.8);
    for (const auto& [k, f] : front.fields) {
      EXPECT_GT(f.confidence, 0.0) << k;
      EXPECT_LE(f.confidence, 1.0) << k;
    }
    // The portrait for face matching: a portrait-shaped PNG.
    cv::Mat portrait = cv::imdecode(front.portrait_png, cv::IMREAD_COLOR);
    ASSERT_FALSE(portrait.empty());
    EXPECT_GT(portrait.rows, portrait.cols);
  }
}

// Two common characters alone on the name line: Tesseract's line mode drops such a short line
// of large glyphs, the raw-line re-read and the vote over preprocessings must still read it.
TEST(Reader, ShortCommonNamesAreRead) {
  std::mt19937_64 rng(2024);
  for (const char* name : {"宋杰", "叶军"}) {
    auto id = gen::random_identity(rng, kToday);
    id.name = name;
    gen::CaptureOptions o;
    o.difficulty = 0;
    o.max_megapixels = 2.0;
    o.upside_down_rate = 0;
    auto front = read_side(jpeg(gen::photograph(id, gen::render_front, o, rng).image), Side::front);
    SCOPED_TRACE(std::string(name) + " " + codes(front));
    ASSERT_TRUE(front.reasons.empty());
    EXPECT_EQ(field(front, "name"), name);
  }
}

// Name characters Debian's chi_sim model cannot output (玥 喆 璟 翊 are not in its character
// set): Tesseract reads a look-alike, the glyph comparison must put the right character back.
TEST(Reader, NameCharactersOutsideTheModelAreRead) {
  std::mt19937_64 rng(2025);
  for (const char* name : {"许宇玥", "夏喆", "冯璟翊"}) {
    auto id = gen::random_identity(rng, kToday);
    id.name = name;
    gen::CaptureOptions o;
    o.difficulty = 1;
    o.max_megapixels = 2.0;
    o.upside_down_rate = 0;
    auto front = read_side(jpeg(gen::photograph(id, gen::render_front, o, rng).image), Side::front);
    SCOPED_TRACE(std::string(name) + " " + codes(front));
    ASSERT_TRUE(front.reasons.empty());
    EXPECT_EQ(field(front, "name"), name);
  }
}

// Ethnic names with a character the model lacks (珞 佤 畲 ...) are compared as glyphs with the
// 56 names.
TEST(Reader, EthnicNamesOutsideTheModelAreRead) {
  std::mt19937_64 rng(2026);
  for (const char* ethnicity : {"珞巴", "佤"}) {
    auto id = gen::random_identity(rng, kToday);
    id.ethnicity = ethnicity;
    gen::CaptureOptions o;
    o.difficulty = 1;
    o.max_megapixels = 2.0;
    o.upside_down_rate = 0;
    auto front = read_side(jpeg(gen::photograph(id, gen::render_front, o, rng).image), Side::front);
    SCOPED_TRACE(std::string(ethnicity) + " " + codes(front));
    ASSERT_TRUE(front.reasons.empty());
    EXPECT_EQ(field(front, "ethnicity"), ethnicity);
  }
}

// A highlight on the card beside the text hides nothing: the card is read, not refused.
TEST(Reader, GlareBesideTheTextIsNotRefused) {
  std::mt19937_64 rng(5006);
  auto id = gen::random_identity(rng, kToday);
  id.name = "王芳";
  cv::Mat card = gen::render_front(id, 14, rng);
  cv::Mat photo = canvas({1800, 1350}, cv::Scalar(40, 40, 40));
  paste(photo, card, {300, 280});
  // 14 px/mm: the name row is at 8 mm, the two characters end near 23 mm; the spot at 42 mm.
  cv::Mat spot(photo.size(), CV_8UC3, cv::Scalar::all(0));
  cv::circle(spot, {300 + 42 * 14, 280 + 8 * 14}, 45, cv::Scalar::all(255), cv::FILLED);
  cv::GaussianBlur(spot, spot, {0, 0}, 12);
  photo += spot;
  auto front = read_side(jpeg(photo), Side::front);
  ASSERT_GT(front.quality.value("glare", 0.0), ReaderOptions{}.max_glare);  // the gate's measure fires
  EXPECT_TRUE(front.reasons.empty()) << codes(front);
  EXPECT_EQ(field(front, "name"), "王芳");
  EXPECT_EQ(field(front, "id_number"), id.id_number);
}

TEST(Reader, UpsideDownCardIsTurned) {
  std::mt19937_64 rng(2002);
  auto id = gen::random_identity(rng, kToday);
  gen::CaptureOptions o;
  o.upside_down_rate = 1.0;
  o.max_megapixels = 2.0;
  o.min_card_fraction = 0.55;
  auto front = read_side(jpeg(gen::photograph(id, gen::render_front, o, rng).image), Side::front);
  EXPECT_TRUE(front.upside_down);
  EXPECT_EQ(field(front, "id_number"), id.id_number) << codes(front);
  auto back = read_side(jpeg(gen::photograph(id, gen::render_back, o, rng).image), Side::back);
  EXPECT_TRUE(back.upside_down);
  EXPECT_EQ(field(back, "valid_from"), format_date(id.valid_from)) << codes(back);
}

TEST(Reader, WrongSideAndNotACard) {
  std::mt19937_64 rng(3003);
  auto id = gen::random_identity(rng, kToday);
  gen::CaptureOptions o;
  o.max_megapixels = 1.5;
  auto back_photo = jpeg(gen::photograph(id, gen::render_back, o, rng).image);
  auto as_front = read_side(back_photo, Side::front);
  EXPECT_EQ(as_front.reasons, std::vector<std::string>{"WRONG_SIDE"});
  EXPECT_TRUE(as_front.fields.empty());
  auto front_photo = jpeg(gen::photograph(id, gen::render_front, o, rng).image);
  EXPECT_EQ(read_side(front_photo, Side::back).reasons, std::vector<std::string>{"WRONG_SIDE"});

  cv::Mat blank = gen::render_blank_card(14, rng);
  auto blank_photo = jpeg(gen::photograph_card(blank, o, rng).image);
  EXPECT_EQ(read_side(blank_photo, Side::front).reasons, std::vector<std::string>{"NOT_AN_ID_CARD"});
}

TEST(Reader, PassportPageAndScreenshotAreRefused) {
  cv::Mat bg = canvas({1800, 1350}, cv::Scalar(60, 50, 40));
  paste(bg, passport_page(11), {250, 200});
  auto passport = read_side(jpeg(bg), Side::front);
  ASSERT_FALSE(passport.reasons.empty());
  EXPECT_TRUE(passport.fields.empty());
  EXPECT_TRUE(passport.has("NOT_AN_ID_CARD") || passport.has("CARD_NOT_FOUND")) << codes(passport);

  // A screenshot: a page of text filling the frame.
  cv::Mat shot(1080, 1920, CV_8UC3, cv::Scalar(250, 250, 250));
  for (int i = 0; i < 18; ++i)
    text(shot, "报名须知：请考生在规定时间内完成实名认证并上传身份证照片。", {60, 80 + i * 55}, 36,
         gen::Fonts::sans(), 2);
  auto screenshot = read_side(png(shot), Side::front);
  ASSERT_FALSE(screenshot.reasons.empty());
  EXPECT_TRUE(screenshot.fields.empty());
  EXPECT_TRUE(is_capture_problem(screenshot.reasons[0])) << codes(screenshot);
}

TEST(Reader, FramingProblems) {
  std::mt19937_64 rng(4004);
  auto id = gen::random_identity(rng, kToday);
  cv::Mat card = gen::render_front(id, 14, rng);  // 1198 x 756

  cv::Mat two = canvas({2800, 1400}, cv::Scalar(50, 80, 40));
  paste(two, card, {100, 300});
  paste(two, gen::render_front(gen::random_identity(rng, kToday), 14, rng), {1450, 330});
  EXPECT_EQ(read_side(jpeg(two), Side::front).reasons, std::vector<std::string>{"MULTIPLE_CARDS"});

  cv::Mat cut = canvas({1600, 1200}, cv::Scalar(50, 80, 40));
  paste(cut, card, {700, 200});  // the right third hangs outside
  EXPECT_EQ(read_side(jpeg(cut), Side::front).reasons, std::vector<std::string>{"CARD_CUT_OFF"});

  cv::Mat small_card;
  cv::resize(card, small_card, {}, 0.3, 0.3, cv::INTER_AREA);
  cv::Mat far = canvas({2400, 1800}, cv::Scalar(50, 80, 40));
  paste(far, small_card, {900, 700});
  EXPECT_EQ(read_side(jpeg(far), Side::front).reasons, std::vector<std::string>{"CARD_TOO_SMALL"});
}

// A phone tilted towards the card foreshortens it: its outline in the photo is 12 % wider for
// its height than an ID-1 card and the far side is shorter. It is still a card and is read.
TEST(Reader, ForeshortenedCardIsFoundAndRead) {
  std::mt19937_64 rng(4242);
  auto id = gen::random_identity(rng, kToday);
  cv::Mat card = gen::render_front(id, 14, rng);  // 1198 x 756
  const float w = static_cast<float>(card.cols), h = static_cast<float>(card.rows);
  const cv::Point2f src[4] = {{0, 0}, {w - 1, 0}, {w - 1, h - 1}, {0, h - 1}};
  // Height squeezed to 0.88 (the card leans away), the far (top) edge 4 % shorter.
  const float hh = h * 0.88f, inset = w * 0.02f;
  const cv::Point2f dst[4] = {{350 + inset, 300}, {350 + w - 1 - inset, 300}, {350 + w - 1, 300 + hh}, {350, 300 + hh}};
  cv::Mat warped;
  cv::warpPerspective(card, warped, cv::getPerspectiveTransform(src, dst), {1900, 1425}, cv::INTER_AREA,
                      cv::BORDER_CONSTANT, cv::Scalar::all(0));
  cv::Mat photo = canvas({1900, 1425}, cv::Scalar(60, 90, 140));
  paste(photo, warped, {0, 0});
  auto front = read_side(jpeg(photo), Side::front);
  ASSERT_TRUE(front.reasons.empty()) << codes(front);
  EXPECT_EQ(field(front, "id_number"), id.id_number);
  EXPECT_EQ(field(front, "birth"), format_date(id.birth));
}

TEST(Reader, LightAndFocusProblems) {
  std::mt19937_64 rng(5005);
  auto id = gen::random_identity(rng, kToday);
  cv::Mat card = gen::render_front(id, 14, rng);
  cv::Mat photo = canvas({1800, 1350}, cv::Scalar(40, 40, 40));
  paste(photo, card, {300, 280});

  cv::Mat dark = photo * 0.18;
  EXPECT_EQ(read_side(jpeg(dark), Side::front).reasons, std::vector<std::string>{"IMAGE_TOO_DARK"});

  cv::Mat bright;
  photo.convertTo(bright, -1, 1.6, 60);
  EXPECT_EQ(read_side(jpeg(bright), Side::front).reasons, std::vector<std::string>{"IMAGE_OVEREXPOSED"});

  cv::Mat blurred;
  cv::GaussianBlur(photo, blurred, {0, 0}, 7);
  EXPECT_EQ(read_side(jpeg(blurred), Side::front).reasons, std::vector<std::string>{"IMAGE_BLURRED"});

  // A hot spot over the number line.
  cv::Mat glare = photo.clone();
  cv::Mat spot(photo.size(), CV_8UC3, cv::Scalar::all(0));
  cv::circle(spot, {300 + 700, 280 + 640}, 110, cv::Scalar::all(255), cv::FILLED);
  cv::GaussianBlur(spot, spot, {0, 0}, 25);
  glare += spot;
  EXPECT_EQ(read_side(jpeg(glare), Side::front).reasons, std::vector<std::string>{"GLARE"});
}

TEST(Reader, BadFilesGetReasonCodesNotCrashes) {
  auto reasons = [](std::vector<std::uint8_t> bytes) { return read_side(bytes, Side::front).reasons; };
  using V = std::vector<std::string>;
  EXPECT_EQ(reasons({}), V{"NOT_AN_IMAGE"});
  EXPECT_EQ(reasons({'h', 'e', 'l', 'l', 'o'}), V{"NOT_AN_IMAGE"});
  EXPECT_EQ(reasons(png(cv::Mat(1, 1, CV_8UC3, cv::Scalar::all(0)))), V{"IMAGE_TOO_SMALL"});

  std::mt19937_64 rng(6006);
  auto id = gen::random_identity(rng, kToday);
  gen::CaptureOptions o;
  o.max_megapixels = 1.2;
  auto photo = jpeg(gen::photograph(id, gen::render_front, o, rng).image);
  std::vector<std::uint8_t> half(photo.begin(), photo.begin() + photo.size() / 2);
  EXPECT_EQ(reasons(half), V{"IMAGE_TRUNCATED"});
  std::vector<std::uint8_t> header_only(photo.begin(), photo.begin() + 20);
  EXPECT_EQ(reasons(header_only), V{"IMAGE_TRUNCATED"});

  // A PNG header announcing 30000 x 30000 pixels: refused before decoding.
  auto big = png(cv::Mat(300, 300, CV_8UC3, cv::Scalar::all(128)));
  auto be32 = [&](std::size_t at, std::uint32_t v) {
    for (int k = 0; k < 4; ++k) big[at + k] = static_cast<std::uint8_t>(v >> (24 - 8 * k));
  };
  be32(16, 30000);
  be32(20, 30000);
  EXPECT_EQ(reasons(big), V{"IMAGE_TOO_LARGE"});
  // Every code has both languages.
  for (auto code : reason_codes()) {
    auto r = reason_for(code);
    EXPECT_FALSE(r.message.empty());
    EXPECT_FALSE(r.message_zh.empty());
    EXPECT_FALSE(r.advice.empty());
    EXPECT_FALSE(r.advice_zh.empty());
  }
}

}  // namespace
