// The rules that decide which face a rectified card shows (layout and national emblem) and which
// character a name cell is (Tesseract's reads against the glyph comparison): on generator
// renderings and on the measured evidence of real misreads.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "card_locator.h"
#include "glyph_matcher.h"
#include "shiming/idcard_ocr/card_generator.h"
#include "side_classifier.h"

namespace {

using namespace shiming::idcard_ocr;
using namespace std::chrono;

const year_month_day kToday{year(2026), month(6), day(1)};

// A card face as the locator hands it on: canonical size, 3 channels.
cv::Mat rectified(const cv::Mat& bgra) {
  cv::Mat bgr;
  cv::cvtColor(bgra, bgr, cv::COLOR_BGRA2BGR);
  cv::resize(bgr, bgr, canonical_size(), 0, 0, cv::INTER_AREA);
  return bgr;
}

cv::Mat turned(const cv::Mat& m) {
  cv::Mat out;
  cv::rotate(m, out, cv::ROTATE_180);
  return out;
}

TEST(SideRules, FacesAndTurnsAreTold) {
  std::mt19937_64 rng(4101);
  for (int k = 0; k < 3; ++k) {
    auto id = gen::random_identity(rng, kToday);
    cv::Mat front = rectified(gen::render_front(id, kCanonicalPxPerMm, rng));
    cv::Mat back = rectified(gen::render_back(id, kCanonicalPxPerMm, rng));
    for (bool upside_down : {false, true}) {
      SCOPED_TRACE("card " + std::to_string(k) + (upside_down ? " upside down" : " upright"));
      SideGuess f = classify_side(upside_down ? turned(front) : front);
      EXPECT_TRUE(f.looks_like_card);
      EXPECT_EQ(f.side, Side::front);
      EXPECT_EQ(f.upside_down, upside_down);
      SideGuess b = classify_side(upside_down ? turned(back) : back);
      EXPECT_TRUE(b.looks_like_card);
      EXPECT_EQ(b.side, Side::back);
      EXPECT_EQ(b.upside_down, upside_down);
    }
  }
}

TEST(SideRules, EmblemTellsTheBackAndItsTurn) {
  std::mt19937_64 rng(4102);
  auto id = gen::random_identity(rng, kToday);
  cv::Mat back = rectified(gen::render_back(id, kCanonicalPxPerMm, rng));
  cv::Mat front = rectified(gen::render_front(id, kCanonicalPxPerMm, rng));
  ASSERT_TRUE(emblem_turn(back).has_value());
  EXPECT_FALSE(*emblem_turn(back));
  ASSERT_TRUE(emblem_turn(turned(back)).has_value());
  EXPECT_TRUE(*emblem_turn(turned(back)));
  // A front has no emblem; red elsewhere too (a red patch as large as the emblem) says nothing.
  EXPECT_FALSE(emblem_turn(front).has_value());
  cv::Mat also_red = back.clone();
  cv::rectangle(also_red, cv::Rect(480, 380, 300, 200), cv::Scalar(30, 30, 220), cv::FILLED);
  EXPECT_FALSE(emblem_turn(also_red).has_value());
}

// A back whose print is washed out (its titles and labels lost to glare) leaves the layout
// little to tell the faces apart by; the emblem still makes it a back, either way up.
TEST(SideRules, WashedOutBackIsABackByItsEmblem) {
  std::mt19937_64 rng(4103);
  auto id = gen::random_identity(rng, kToday);
  cv::Mat back = rectified(gen::render_back(id, kCanonicalPxPerMm, rng));
  cv::Mat washed = back.clone();
  const cv::Scalar paper = back.at<cv::Vec3b>(back.rows / 2, back.cols / 2);
  // Everything right of the emblem and below it: titles, labels and values.
  cv::rectangle(washed, cv::Rect(0, 330, washed.cols, washed.rows - 330), paper, cv::FILLED);
  cv::rectangle(washed, cv::Rect(300, 0, washed.cols - 300, 330), paper, cv::FILLED);
  for (bool upside_down : {false, true}) {
    SCOPED_TRACE(upside_down ? "upside down" : "upright");
    cv::Mat img = upside_down ? turned(washed) : washed;
    ASSERT_TRUE(emblem_turn(img).has_value());
    SideGuess g = classify_side(img);
    EXPECT_EQ(g.side, Side::back);
    EXPECT_EQ(g.upside_down, upside_down);
  }
}

// The evidence below was measured on generated photos where the rule was needed (or where it
// must not fire).
TEST(NameRules, CloseGlyphPairIsDecidedByHowFarApartTheTwoAre) {
  // 佘 read as 余: the cell is 0.044 closer to 佘, and 佘 and 余 render 0.957 alike.
  NameCharacterEvidence e;
  e.read = "余";
  e.read_similarity = 0.812;
  e.match = {"佘", true, 0.856, 0.812, "余", 0.812};
  e.best_read_pair = 0.957;
  e.best_second_pair = 0.957;
  e.read_second_pair = 1.0;
  EXPECT_EQ(choose_name_character(e), "佘");
  // The same lead between characters that look nothing alike means nothing.
  e.best_read_pair = 0.55;
  EXPECT_EQ(choose_name_character(e), "余");
  // A weak match stays below the bar however alike the two are (丁 read right, 玉 0.622).
  NameCharacterEvidence d;
  d.read = "丁";
  d.read_similarity = 0.615;
  d.match = {"玉", true, 0.622, 0.615, "丁", 0.615};
  d.best_read_pair = 0.653;
  EXPECT_EQ(choose_name_character(d), "丁");
}

TEST(NameRules, ClearMatchesReplaceTheRead) {
  // 玥 (outside the model) read as 表.
  NameCharacterEvidence e;
  e.read = "表";
  e.read_similarity = 0.575;
  e.match = {"玥", false, 0.980, 0.575, "明", 0.794};
  e.best_read_pair = 0.546;
  e.best_second_pair = 0.6;
  e.read_second_pair = 0.5;
  EXPECT_EQ(choose_name_character(e), "玥");
  // The read itself best: kept.
  NameCharacterEvidence same;
  same.read = "王";
  same.read_similarity = 0.97;
  same.match = {"王", true, 0.97, 0.97, "玉", 0.85};
  same.best_read_pair = 1.0;
  EXPECT_EQ(choose_name_character(same), "王");
}

TEST(NameRules, IndistinguishablePairFollowsWhatTheModelSaw) {
  // 祎 read as 神: the cell matches 袆 0.963 and 祎 0.954 (one dot apart, 0.989 alike); the
  // model saw 礻 (神), and 神 is closer to 祎 than to 袆.
  NameCharacterEvidence e;
  e.read = "神";
  e.read_similarity = 0.783;
  e.match = {"袆", false, 0.963, 0.783, "祎", 0.954};
  e.best_read_pair = 0.778;
  e.best_second_pair = 0.989;
  e.read_second_pair = 0.825;
  EXPECT_EQ(choose_name_character(e), "祎");
  // Had the model's read been closer to the best, the best stands.
  e.read_second_pair = 0.70;
  EXPECT_EQ(choose_name_character(e), "袆");
  // Not a near tie: the best stands.
  e.read_second_pair = 0.825;
  e.match.second_similarity = 0.90;
  EXPECT_EQ(choose_name_character(e), "袆");
}

TEST(NameRules, AnotherReadTakesOverWhenItsGlyphFitsMuchBetter) {
  // 怡 read as 恰 by most reads, 怡 by another; the list's best is the read itself.
  NameCharacterEvidence e;
  e.read = "恰";
  e.read_similarity = 0.80;
  e.match = {"恰", true, 0.80, 0.80, "洽", 0.7};
  e.best_read_pair = 1.0;
  e.other = "怡";
  e.other_similarity = 0.95;
  EXPECT_EQ(choose_name_character(e), "怡");
  // Fits, but not much better than the read: the vote stands.
  e.other_similarity = 0.88;
  EXPECT_EQ(choose_name_character(e), "恰");
  e.other_similarity = 0.91;
  e.read_similarity = 0.89;
  e.match.best_similarity = e.match.read_similarity = 0.89;
  EXPECT_EQ(choose_name_character(e), "恰");
}

// The renderings behind the rule above: near pairs are near, unrelated characters are not.
TEST(NameRules, GlyphPairSimilarity) {
  ASSERT_FALSE(out_of_model_name_characters().empty()) << "no CJK fonts or chi_sim model";
  EXPECT_GT(glyph_pair_similarity("余", "佘"), 0.9);
  EXPECT_GT(glyph_pair_similarity("祎", "袆"), 0.95);
  EXPECT_LT(glyph_pair_similarity("余", "天"), 0.8);
  EXPECT_NEAR(glyph_pair_similarity("天", "天"), 1.0, 1e-6);
}

}  // namespace
