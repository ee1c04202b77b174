// Recognises single name characters that the Tesseract model cannot output at all.
//
// Debian's chi_sim model knows about 4,000 characters; many characters common in given names
// (玥 喆 堃 璟 翊 ...) and rarer surnames (冼 禤 邝 ...) are not among them, so Tesseract reads
// a look-alike instead (表 苗 ...). For a list of name characters (rare ones, most of which the
// installed model lacks, and the most common surnames and given-name characters) the matcher
// keeps directional stroke features of the glyphs rendered with the system's CJK fonts (Noto
// Sans/Serif CJK, WenQuanYi Micro Hei), and compares a character cut from the card with them
// and with the character Tesseract read.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace shiming::idcard_ocr {

struct GlyphMatch {
  std::string best;             // the best matching character of the name list
  bool best_in_model = false;   // Tesseract's model knows it (so it could have read it itself)
  double best_similarity = 0;   // 0..1 (cosine of the features)
  double read_similarity = 0;   // the same for the character Tesseract read
  std::string second;           // the best matching other character of the list
  double second_similarity = 0;
};

// `ink` is one character, dark on light (CV_8U), cropped loosely. `read` is what Tesseract read
// there (one code point). nullopt when no font or no model list is available.
std::optional<GlyphMatch> match_name_glyph(const cv::Mat& ink, const std::string& read);

// Stroke features of one character image (dark on light), empty when it has no ink; and their
// similarity (0..1) with the best of the fonts' renderings of the character `cp`.
std::vector<float> glyph_features(const cv::Mat& ink);
double glyph_similarity(const std::vector<float>& features, const std::string& cp);

// How alike the renderings of two characters are (0..1, the best over the fonts, each font
// compared with itself): 余 and 佘 ~0.9, unrelated characters ~0.5.
double glyph_pair_similarity(const std::string& a, const std::string& b);

// What the glyph comparison says about one character of a name (similarities 0..1).
struct NameCharacterEvidence {
  std::string read;  // what the voted reads give there
  double read_similarity = 0;
  GlyphMatch match;  // the name list's best and second-best characters for the cell
  double best_read_pair = 0;     // glyph_pair_similarity(match.best, read)
  double best_second_pair = 0;   // glyph_pair_similarity(match.best, match.second)
  double read_second_pair = 0;   // glyph_pair_similarity(read, match.second)
  std::string other;             // of what other reads gave there, the best-fitting glyph
  double other_similarity = 0;
};

// The character a name cell is taken to be: the read, the name list's best match, or another
// read's character. `out_of_model_margin` is the similarity lead a character the model lacks
// needs over the read (SHIMING_OCR_GLYPH_MARGIN, 0.05).
std::string choose_name_character(const NameCharacterEvidence& e, double out_of_model_margin = 0.05);

// The characters of the name list that the installed chi_sim model lacks (for tests).
const std::vector<std::string>& out_of_model_name_characters();

}  // namespace shiming::idcard_ocr
