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
};

// `ink` is one character, dark on light (CV_8U), cropped loosely. `read` is what Tesseract read
// there (one code point). nullopt when no font or no model list is available.
std::optional<GlyphMatch> match_name_glyph(const cv::Mat& ink, const std::string& read);

// Stroke features of one character image (dark on light), empty when it has no ink; and their
// similarity (0..1) with the best of the fonts' renderings of the character `cp`.
std::vector<float> glyph_features(const cv::Mat& ink);
double glyph_similarity(const std::vector<float>& features, const std::string& cp);

// The characters of the name list that the installed chi_sim model lacks (for tests).
const std::vector<std::string>& out_of_model_name_characters();

}  // namespace shiming::idcard_ocr
