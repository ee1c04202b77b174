#include "field_readers.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cctype>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include <opencv2/imgproc.hpp>

#include "glyph_matcher.h"
#include "ocr_engine.h"
#include "shiming/idcard_ocr/card_layout.h"
#include "shiming/idcard_ocr/text_rules.h"
#include "shiming/idnumber/id_number.h"
#include "text_lines.h"

namespace shiming::idcard_ocr {
namespace {

namespace L = layout;

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

// Vertical offset of the detected text bands from the expected rows, and the label column's
// left edge.
LayoutFit fit_layout(const cv::Mat& ink, double label_x, double label_w, const std::vector<double>& rows,
                     double y_from, double y_to) {
  LayoutFit fit;
  // Search the label column a little wider than expected.
  cv::Rect col = rect_mm(label_x - 3.5, y_from, label_w + 7, y_to - y_from);
  auto bands = find_bands(ink, col, 3, px(1.0));
  std::vector<double> dys;
  for (const auto& b : bands) {
    double c = mm(b.center());
    double best = 1e9;
    for (double r : rows)
      if (std::abs(c - r) < std::abs(best)) best = c - r;
    if (std::abs(best) < 2.8 && b.height() < px(4.5)) dys.push_back(best);
  }
  fit.label_rows = static_cast<int>(dys.size());
  fit.dy_mm = dys.size() >= 2 ? median(dys) : 0;
  // Left edge of the labels on their rows.
  std::vector<double> lefts;
  for (double r : rows) {
    cv::Rect row = rect_mm(label_x - 3.5, r + fit.dy_mm - 1.2, 7, 2.4);
    cv::Rect box = ink_box(ink, row, 0, 2);
    if (!box.empty()) lefts.push_back(mm(box.x) - label_x);
  }
  if (lefts.size() >= 2) fit.dx_mm = std::clamp(median(lefts), -3.0, 3.0);
  return fit;
}

std::string keep_cjk(const std::string& s, bool keep_digits = false, bool keep_dot = false) {
  std::string out;
  for (const auto& cp : utf8_code_points(s)) {
    if (cp.size() >= 3) {
      if (cp == "\xC2\xB7" || cp == "\xE3\x83\xBB") { if (keep_dot) out += "\xC2\xB7"; continue; }
      // CJK punctuation and full-width forms are not part of names or addresses, except the
      // full-width digits and the hyphen-like characters.
      unsigned char c0 = static_cast<unsigned char>(cp[0]);
      if (c0 == 0xE3 && static_cast<unsigned char>(cp[1]) == 0x80) continue;  // 、。「」 ...
      if (c0 == 0xEF && static_cast<unsigned char>(cp[1]) == 0xBC) {
        unsigned char c2 = static_cast<unsigned char>(cp[2]);
        if (keep_digits && c2 >= 0x90 && c2 <= 0x99) { out += static_cast<char>('0' + (c2 - 0x90)); continue; }
        if (c2 == 0x8D && keep_digits) { out += "-"; continue; }
        continue;
      }
      out += cp;
    } else if (cp.size() == 2 && cp == "\xC2\xB7") {
      if (keep_dot) out += cp;
    } else if (keep_digits && cp.size() == 1 && ((cp[0] >= '0' && cp[0] <= '9') || cp[0] == '-' ||
                                                (cp[0] >= 'A' && cp[0] <= 'Z') || (cp[0] >= 'a' && cp[0] <= 'z'))) {
      out += cp;
    }
  }
  return out;
}

int text_target_height();

struct Attempt {
  std::string value;
  double confidence = 0;
  bool valid = false;
};

// The name: for each character, the others that some read gave there, with their summed
// confidence.
using Alternatives = std::vector<std::map<std::string, double>>;

// Reads a box with the preprocessings in turn until `validate` accepts; returns the accepted
// read, else the most confident one.
Attempt read_with_retries(const cv::Mat& flat, cv::Rect box, int text_h, Script script, const std::string& whitelist,
                          bool single_char, const std::function<std::optional<std::string>(const OcrText&)>& validate,
                          double accept_confidence = 0.0, const std::string& expected = {},
                          int target_height = 0) {
  if (target_height <= 0) target_height = text_target_height();
  // With `expected` (what another field implies, e.g. the birth date in the number), a read that
  // disagrees is re-read with the other preprocessings; a read that agrees is taken at once. If
  // none agrees the most confident read stands, with its confidence lowered: a person decides.
  Attempt best;
  bool disagreed = false;
  for (Prep prep : {Prep::flat, Prep::binary, Prep::sharp}) {
    cv::Mat img = prepare(flat, box, prep, text_h, target_height);
    if (img.empty()) break;
    OcrText t = ocr_line(img, script, whitelist, single_char);
    // A lone character (the last line of an address, a one-character value) may need the
    // single-character mode.
    if (t.text.empty() && !single_char) t = ocr_line(img, script, whitelist, false, true);
    if (t.text.empty() && !single_char && box.width < 2.5 * box.height) t = ocr_line(img, script, whitelist, true);
    auto v = validate(t);
    if (v) {
      if (!expected.empty()) {
        if (*v == expected) return {*v, t.confidence, true};
        disagreed = true;
      }
      if (!best.valid || t.confidence > best.confidence) best = {*v, t.confidence, true};
      if (expected.empty() && t.confidence >= accept_confidence) return best;
    } else if (!best.valid && t.confidence * 0.5 > best.confidence) {
      best = {t.text, t.confidence * 0.5, false};
    }
  }
  if (disagreed && best.valid) best.confidence *= 0.7;
  return best;
}

// The flattened grey of `box` with coloured ink (the printed labels: 姓名, 年 月 日) whitened:
// the values are printed in black.
cv::Mat without_coloured_ink(const cv::Mat& bgr, const cv::Mat& flat, cv::Rect box) {
  cv::Mat hsv;
  cv::cvtColor(bgr(box), hsv, cv::COLOR_BGR2HSV);
  cv::Mat g = flat(box).clone();
  for (int y = 0; y < g.rows; ++y)
    for (int x = 0; x < g.cols; ++x) {
      const auto& p = hsv.at<cv::Vec3b>(y, x);
      if (p[1] > 60 && p[2] > 60) g.at<std::uint8_t>(y, x) = 255;
    }
  return g;
}

// The value's print without the coloured label characters inside it (年 月 日 on the birth
// line), read by the Latin model as digit groups.
Attempt read_digit_groups(const cv::Mat& bgr, const cv::Mat& flat, cv::Rect box,
                          const std::function<std::optional<std::string>(const OcrText&)>& validate) {
  box &= cv::Rect(0, 0, bgr.cols, bgr.rows);
  if (box.empty()) return {};
  cv::Mat g = without_coloured_ink(bgr, flat, box);
  cv::Mat img = prepare(g, cv::Rect(0, 0, g.cols, g.rows), Prep::flat, g.rows - 2 * px(0.6));
  OcrText t = ocr_line(img, Script::latin, "0123456789 ");
  auto v = validate(t);
  if (!v) return {};
  return {*v, t.confidence, true};
}

int text_target_height() {
  static const int h = [] {
    const char* e = std::getenv("SHIMING_OCR_TEXT_HEIGHT");
    return e ? std::atoi(e) : 32;
  }();
  return h;
}

int name_target_height() {
  static const int h = [] {
    const char* e = std::getenv("SHIMING_OCR_NAME_HEIGHT");
    return e ? std::atoi(e) : 30;
  }();
  return h;
}

// The width of a line's ink over its height (dark on light): about how many square Chinese
// characters it spans. 0 when there is no ink.
double ink_aspect(const cv::Mat& gray) {
  cv::Mat mask;
  cv::threshold(gray, mask, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  cv::morphologyEx(mask, mask, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, {2, 2}));
  cv::Rect ink = cv::boundingRect(mask);
  if (ink.height < 3) return 0;
  return static_cast<double>(ink.width) / ink.height;
}

// The name: no rule can validate it, so several preprocessings and scales each read the line
// and the reads vote character by character, weighted by Tesseract's confidence in each
// character. Stops early when two reads agree with high confidence. `alternatives` gets, per
// character of the result, what the other reads of that length gave there. (The LSTM's
// per-symbol candidates, lstm_choice_mode, were tried as alternatives too: with chi_sim they are
// mostly unrelated characters at ~0 confidence, not the look-alike, and they double the time.)
Attempt read_name_voted(const cv::Mat& bgr, const cv::Mat& flat_in, cv::Rect box, int text_h,
                        Alternatives& alternatives) {
  // The label 姓名 is printed in colour: a box that reaches into it keeps only the black value.
  box &= cv::Rect(0, 0, flat_in.cols, flat_in.rows);
  if (box.empty()) return {};
  cv::Mat flat = flat_in.clone();
  without_coloured_ink(bgr, flat_in, box).copyTo(flat(box));
  struct Read {
    std::vector<std::string> cps;
    std::vector<double> conf;
    double mean = 0;
  };
  std::vector<Read> reads;
  // What the reads of the result's length give at each position besides the result.
  auto collect_alternatives = [&reads, &alternatives](const std::vector<std::string>& result) {
    alternatives.assign(result.size(), {});
    for (const auto& r : reads) {
      if (r.cps.size() != result.size()) continue;
      for (std::size_t i = 0; i < result.size(); ++i) {
        if (r.cps[i] != result[i]) alternatives[i][r.cps[i]] += r.conf[i];
      }
    }
  };
  // Chinese characters are about square and advance by the same width: the ink's width over
  // its height is about the number of characters (4.15 for four). A read that differs from it
  // by most of a character (李杰丹杰 read as 李杰有丹杰) settles nothing early and weighs little
  // in the vote on the length.
  const double aspect = ink_aspect(flat(box));
  auto plausible = [aspect](const std::vector<std::string>& cps) {
    for (const auto& cp : cps)
      if (cp.size() < 3) return true;  // a middle dot: minority names are not square characters
    return aspect <= 0 || std::abs(aspect - static_cast<double>(cps.size())) < 0.75;
  };
  if (std::getenv("SHIMING_OCR_DEBUG_DIR")) std::fprintf(stderr, "name ink aspect %.3f\n", aspect);
  const int h0 = name_target_height();
  const std::pair<Prep, int> variants[] = {
      {Prep::flat, h0},     {Prep::adaptive, h0},     {Prep::binary, h0},          {Prep::sharp, h0},
      {Prep::flat, h0 + 6}, {Prep::adaptive, h0 + 6}, {Prep::flat, h0 - 4}};
  for (const auto& [prep, height] : variants) {
    cv::Mat img = prepare(flat, box, prep, text_h, height);
    if (img.empty()) break;
    // Line mode; raw line mode when that reads nothing (PSM 7 drops short lines of large glyphs).
    OcrText t = ocr_line(img, Script::chinese, "", false);
    if (t.symbols.empty()) t = ocr_line(img, Script::chinese, "", false, true);
    Read r;
    for (const auto& [sym, c] : t.symbols) {
      std::string k = keep_cjk(sym, false, true);
      for (auto& cp : utf8_code_points(k)) {
        r.cps.push_back(cp);
        r.conf.push_back(c);
      }
    }
    if (r.cps.size() < 2 || r.cps.size() > 15) continue;
    double sum = 0;
    for (double c : r.conf) sum += c;
    r.mean = sum / r.conf.size();
    // Two confident reads that agree settle it.
    for (const auto& o : reads)
      if (o.cps == r.cps && o.mean >= 0.90 && r.mean >= 0.90 && plausible(r.cps)) {
        std::string v;
        for (auto& cp : r.cps) v += cp;
        double conf = std::max(o.mean, r.mean);
        auto result = r.cps;
        reads.push_back(std::move(r));
        collect_alternatives(result);
        return {v, conf, true};
      }
    reads.push_back(std::move(r));
  }
  if (reads.empty()) return {};
  // The length most reads (by confidence) give, then each position's best-supported character.
  std::map<std::size_t, double> by_len;
  for (const auto& r : reads) by_len[r.cps.size()] += r.mean * (plausible(r.cps) ? 1.0 : 0.25);
  std::size_t len = std::max_element(by_len.begin(), by_len.end(),
                                     [](const auto& a, const auto& b) { return a.second < b.second; })->first;
  std::string value;
  std::vector<std::string> result;
  double conf_sum = 0;
  for (std::size_t i = 0; i < len; ++i) {
    std::map<std::string, double> votes;
    double total = 0;
    for (const auto& r : reads)
      if (r.cps.size() == len) {
        votes[r.cps[i]] += r.conf[i];
        total += r.conf[i];
      }
    auto win = std::max_element(votes.begin(), votes.end(),
                                [](const auto& a, const auto& b) { return a.second < b.second; });
    value += win->first;
    result.push_back(win->first);
    // Confidence of the position: the winner's share of the votes times its mean confidence.
    int n_win = 0;
    for (const auto& r : reads)
      if (r.cps.size() == len && r.cps[i] == win->first) ++n_win;
    conf_sum += total > 0 ? (win->second / total) * (win->second / n_win) : 0;
  }
  collect_alternatives(result);
  return {value, conf_sum / len, true};
}

// Splits a line of `n` Chinese characters (dark on light) into their cells. Chinese characters
// advance by the same width, so the ink's extent is divided evenly and each cut then moves to
// the nearest blank column within a fifth of a character (a character such as 玥 or 川 has
// blank columns inside; the cut between two characters has the widest). Empty when the line is
// no such row of characters.
std::vector<cv::Rect> split_characters(const cv::Mat& gray, std::size_t n) {
  cv::Mat mask;
  cv::threshold(gray, mask, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  cv::morphologyEx(mask, mask, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, {2, 2}));
  cv::Rect ink = cv::boundingRect(mask);
  if (ink.empty() || n == 0) return {};
  const double pitch = static_cast<double>(ink.width) / n;
  // Characters are about square: a pitch far from the height is not a row of n characters.
  if (pitch < ink.height * 0.5 || pitch > ink.height * 1.6) return {};
  std::vector<int> ink_cols(mask.cols, 0);
  for (int x = 0; x < mask.cols; ++x) ink_cols[x] = cv::countNonZero(mask.col(x));
  std::vector<int> cuts = {ink.x};
  for (std::size_t k = 1; k < n; ++k) {
    int c = static_cast<int>(std::lround(ink.x + k * pitch));
    int reach = static_cast<int>(pitch * 0.2);
    // The middle of the blank run nearest to the even cut.
    int best = c, best_d = reach + 1;
    for (int x = std::max(ink.x, c - reach); x <= std::min(ink.x + ink.width - 1, c + reach); ++x) {
      if (ink_cols[x] != 0) continue;
      int x1 = x;
      while (x1 + 1 < mask.cols && ink_cols[x1 + 1] == 0) ++x1;
      int mid = (x + x1) / 2;
      if (std::abs(mid - c) < best_d) { best_d = std::abs(mid - c); best = mid; }
      x = x1;
    }
    cuts.push_back(best);
  }
  cuts.push_back(ink.x + ink.width);
  std::vector<cv::Rect> out;
  const int pad = std::max(2, ink.height / 10);
  for (std::size_t k = 0; k < n; ++k) {
    if (cuts[k + 1] - cuts[k] < 3) return {};
    // No margin sideways: that would take in the neighbour's strokes.
    out.push_back(cv::Rect(cuts[k], ink.y - pad, cuts[k + 1] - cuts[k], ink.height + 2 * pad) &
                  cv::Rect(0, 0, gray.cols, gray.rows));
  }
  return out;
}

// The last character of a line (dark on light): from the ink's right end back about one line
// height, the cut moved to the nearest blank column. Empty when there is no such cell.
cv::Rect last_character(const cv::Mat& gray) {
  cv::Mat mask;
  cv::threshold(gray, mask, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  cv::morphologyEx(mask, mask, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, {2, 2}));
  cv::Rect ink = cv::boundingRect(mask);
  if (ink.empty()) return {};
  if (ink.width <= ink.height * 13 / 10) return ink;  // a lone character (the last line)
  const int end = ink.x + ink.width, h = ink.height;
  const int c = end - h, reach = h * 3 / 10;
  int best = -1, best_d = reach + 1;
  for (int x = std::max(ink.x, c - reach); x <= std::min(end - 1, c + reach); ++x) {
    if (cv::countNonZero(mask.col(x)) != 0) continue;
    int x1 = x;
    while (x1 + 1 < end && cv::countNonZero(mask.col(x1 + 1)) == 0) ++x1;
    int mid = (x + x1) / 2;
    if (std::abs(mid - c) < best_d) { best_d = std::abs(mid - c); best = mid; }
    x = x1;
  }
  if (best < 0) return {};
  return cv::Rect(best, 0, end - best, gray.rows);
}

double name_glyph_margin() {
  static const double m = [] {
    const char* e = std::getenv("SHIMING_OCR_GLYPH_MARGIN");
    return e ? std::atof(e) : 0.05;
  }();
  return m;
}

// Name characters the model lacks (or misread): each character of the read is compared, as a
// glyph, with the name characters of glyph_matcher.h; one that matches clearly better than what
// Tesseract read there replaces it (for a character the model lacks, Tesseract can only have
// read a look-alike).
Attempt correct_by_glyphs(const cv::Mat& clean, cv::Rect box, Attempt a, const Alternatives& alternatives) {
  auto cps = utf8_code_points(a.value);
  if (cps.empty()) return a;
  for (const auto& cp : cps)
    if (cp.size() < 3) return a;  // a middle dot: minority names are left as read
  box &= cv::Rect(0, 0, clean.cols, clean.rows);
  if (box.empty()) return a;
  cv::Mat line = clean(box);
  auto cells = split_characters(line, cps.size());
  if (cells.size() != cps.size()) return a;
  std::string value;
  bool changed = false;
  for (std::size_t i = 0; i < cps.size(); ++i) {
    auto m = match_name_glyph(line(cells[i]), cps[i]);
    if (!m) {
      value += cps[i];
      continue;
    }
    NameCharacterEvidence e;
    e.read = cps[i];
    e.read_similarity = m->read_similarity;
    e.match = *m;
    e.best_read_pair = glyph_pair_similarity(m->best, cps[i]);
    if (!m->second.empty()) {
      e.best_second_pair = glyph_pair_similarity(m->best, m->second);
      e.read_second_pair = glyph_pair_similarity(cps[i], m->second);
    }
    if (i < alternatives.size()) {
      auto f = glyph_features(line(cells[i]));
      for (const auto& [alt, support] : alternatives[i]) {
        if (alt.size() < 3) continue;
        double g = glyph_similarity(f, alt);
        if (g > e.other_similarity) {
          e.other_similarity = g;
          e.other = alt;
        }
      }
    }
    std::string chosen = choose_name_character(e, name_glyph_margin());
    if (std::getenv("SHIMING_OCR_DEBUG_DIR"))
      std::fprintf(stderr,
                   "glyph %s: best %s%s %.3f second %s %.3f read %.3f pair %.3f best-second %.3f read-second %.3f "
                   "other %s %.3f -> %s\n",
                   cps[i].c_str(), m->best.c_str(), m->best_in_model ? "" : " (not in model)", m->best_similarity,
                   m->second.c_str(), m->second_similarity, m->read_similarity, e.best_read_pair, e.best_second_pair,
                   e.read_second_pair, e.other.c_str(), e.other_similarity, chosen.c_str());
    changed = changed || chosen != cps[i];
    value += chosen;
  }
  if (changed) {
    a.value = value;
    a.confidence = std::min(a.confidence, 0.85);  // a glyph match, not a model read
  }
  return a;
}

// The ethnicity whose characters the line's glyphs resemble most: for each of the 56 names the
// line is split into as many characters and the mean similarity is taken. Accepted when clearly
// ahead of the runner-up.
Attempt ethnicity_by_glyphs(const cv::Mat& line) {
  std::map<std::size_t, std::vector<std::vector<float>>> cells_by_n;
  std::string best, second;
  double best_s = 0, second_s = 0;
  for (auto name : ethnicities()) {
    auto cps = utf8_code_points(name);
    auto it = cells_by_n.find(cps.size());
    if (it == cells_by_n.end()) {
      std::vector<std::vector<float>> fs;
      for (const auto& r : split_characters(line, cps.size())) fs.push_back(glyph_features(line(r)));
      it = cells_by_n.emplace(cps.size(), std::move(fs)).first;
    }
    if (it->second.size() != cps.size()) continue;
    double sum = 0;
    for (std::size_t i = 0; i < cps.size(); ++i) sum += glyph_similarity(it->second[i], cps[i]);
    double s = sum / cps.size();
    if (s > best_s) {
      second = best;
      second_s = best_s;
      best = std::string(name);
      best_s = s;
    } else if (s > second_s) {
      second = std::string(name);
      second_s = s;
    }
  }
  if (best.empty() || best_s < 0.85 || best_s - second_s < 0.04) return {};
  return {best, std::min(0.9, best_s), true};
}

// The number when no single read of it is valid: the reads of several preprocessings, with the
// model's candidates for each character, vote per position, and the check character settles a
// position they leave doubtful (resolve_id_number). A number that needed a character changed is
// reported below the review threshold: a person confirms it.
Attempt number_from_candidates(const cv::Mat& flat, cv::Rect box, int text_h) {
  std::vector<PositionCandidates> positions;
  for (Prep prep : {Prep::flat, Prep::binary, Prep::sharp, Prep::adaptive}) {
    cv::Mat img = prepare(flat, box, prep, text_h, text_target_height());
    if (img.empty()) break;
    OcrText t = ocr_line(img, Script::latin, "0123456789X", false, false, true);
    std::vector<std::map<char, double>> read;
    for (std::size_t i = 0; i < t.symbols.size(); ++i) {
      const std::string& sym = t.symbols[i].first;
      if (sym.size() != 1 || !(std::isdigit(static_cast<unsigned char>(sym[0])) || sym[0] == 'X' || sym[0] == 'x'))
        continue;
      std::map<char, double> here;
      if (i < t.choices.size())
        for (const auto& [alt, p] : t.choices[i])
          if (alt.size() == 1 && (std::isdigit(static_cast<unsigned char>(alt[0])) || alt[0] == 'X'))
            here[alt[0]] = std::max(here[alt[0]], p);
      char top = static_cast<char>(std::toupper(static_cast<unsigned char>(sym[0])));
      here[top] = std::max(here[top], t.symbols[i].second);
      read.push_back(std::move(here));
    }
    if (read.size() != 18) continue;
    if (positions.empty()) positions.resize(18);
    for (std::size_t k = 0; k < 18; ++k)
      for (const auto& [c, w] : read[k]) {
        auto it = std::find_if(positions[k].begin(), positions[k].end(), [c = c](const auto& e) { return e.first == c; });
        if (it == positions[k].end()) positions[k].emplace_back(c, w);
        else it->second += w;
      }
  }
  auto r = resolve_id_number(positions);
  if (!r) return {};
  return {r->number, r->changed ? 0.78 : 0.9, true};
}

cv::Rect value_box(const cv::Mat& ink, double x0, double y_center, double x1, double half_h) {
  cv::Rect roi = rect_mm(x0, y_center - half_h, x1 - x0, 2 * half_h);
  // Only rows near the centre belong to this field: trim to the band around the centre.
  // Characters have horizontal gaps (男, 睿): merge bands closer than 0.8 mm into one line.
  std::vector<Band> bands;
  for (const auto& b : find_bands(ink, roi, 2, 1)) {
    if (!bands.empty() && b.y0 - bands.back().y1 < px(0.8)) bands.back().y1 = b.y1;
    else bands.push_back(b);
  }
  bands.erase(std::remove_if(bands.begin(), bands.end(), [](const Band& b) { return b.height() < px(0.8); }),
              bands.end());
  const Band* pick = nullptr;
  double best = 1e9;
  for (const auto& b : bands) {
    double d = std::abs(b.center() - px(y_center));
    if (d < best) { best = d; pick = &b; }
  }
  if (pick) roi = cv::Rect(roi.x, std::max(roi.y, pick->y0 - 2), roi.width, pick->height() + 4) & roi;
  return ink_box(ink, roi, px(0.6), 2);
}

void put(Fields& f, const char* key, const Attempt& a, bool require_valid = true) {
  if (a.value.empty() || (require_valid && !a.valid)) return;
  f[key] = Field{a.value, a.valid ? a.confidence : a.confidence * 0.5};
}

std::string whitelist_of(const std::vector<std::string_view>& words, std::string extra = {}) {
  std::set<std::string> cps;
  for (auto w : words)
    for (auto& cp : utf8_code_points(w)) cps.insert(cp);
  for (auto& cp : cps) extra += cp;
  return extra;
}

}  // namespace

LayoutFit fit_front_layout(const cv::Mat& ink) {
  return fit_layout(ink, L::kLabelX, 7.0, {L::kNameRowY, L::kSexRowY, L::kBirthRowY, L::kAddressRowY}, 3, 31);
}

LayoutFit fit_back_layout(const cv::Mat& ink) {
  return fit_layout(ink, L::kBackLabelX, 11.0, {L::kAuthorityRowY, L::kValidityRowY}, 37, 52);
}

Fields read_front_fields(const cv::Mat& bgr, const LayoutFit& fit, const cv::Mat& flat, const cv::Mat& ink) {
  Fields out;
  const double dx = fit.dx_mm, dy = fit.dy_mm;
  const double vx = L::kValueX + dx - 1.0, right = L::kPortrait.x + dx - 0.8;

  // 公民身份号码: the number right of its label on the bottom line.
  {
    cv::Rect box = value_box(ink, L::kNumberX + dx - 2.0, L::kNumberRowY + dy, L::kNumberRight + dx + 2.5, 2.6);
    auto validate = [](const OcrText& t) -> std::optional<std::string> {
      std::string s;
      for (char c : t.text)
        if ((c >= '0' && c <= '9') || c == 'X' || c == 'x') s += static_cast<char>(std::toupper(c));
      if (s.size() != 18) return std::nullopt;
      idnumber::Options o;
      auto r = idnumber::check(s, o);
      if (!r.valid) return std::nullopt;
      return r.normalized;
    };
    Attempt a = read_with_retries(flat, box, box.height - 2 * px(0.6), Script::latin, "0123456789X", false, validate);
    if (!a.valid) {
      // The Chinese model reads OCR-B digits too; a last try before giving up.
      cv::Mat img = prepare(flat, box, Prep::flat, box.height - 2 * px(0.6));
      OcrText t = ocr_line(img, Script::chinese, "0123456789X");
      if (auto v = validate(t)) a = {*v, t.confidence, true};
    }
    if (a.valid) a.confidence = std::max(a.confidence, 0.97);  // the check character agrees
    else if (Attempt c = number_from_candidates(flat, box, box.height - 2 * px(0.6)); c.valid) a = c;
    put(out, "id_number", a, false);
  }
  // What the number says about birth and sex, to steer the re-reads of those fields.
  std::string expected_birth, expected_sex;
  if (auto it = out.find("id_number"); it != out.end()) {
    auto c = idnumber::check(it->second.value, idnumber::Options{});
    if (c.birth) expected_birth = format_date(*c.birth);
    if (c.sex) expected_sex = c.sex == 'M' ? "男" : "女";
  }
  // 姓名.
  {
    cv::Rect box = value_box(ink, vx, L::kNameRowY + dy, right, 2.8);
    Alternatives alternatives;
    Attempt name = read_name_voted(bgr, flat, box, box.height - 2 * px(0.6), alternatives);
    cv::Rect clipped = box & cv::Rect(0, 0, flat.cols, flat.rows);
    if (name.valid && !clipped.empty()) {
      cv::Mat clean = flat.clone();
      without_coloured_ink(bgr, flat, clipped).copyTo(clean(clipped));
      name = correct_by_glyphs(clean, clipped, name, alternatives);
    }
    put(out, "name", name, false);
  }
  // 性别 and 民族 share a row.
  {
    cv::Rect box = value_box(ink, vx, L::kSexRowY + dy, L::kValueX + dx + 5.5, 2.2);  // one character
    auto validate = [](const OcrText& t) -> std::optional<std::string> {
      std::string s = keep_cjk(t.text);
      if (s == "男" || s == "女") return s;
      return std::nullopt;
    };
    Attempt a = read_with_retries(flat, box, box.height - 2 * px(0.6), Script::chinese, "", false, validate, 0.8,
                                  expected_sex);
    if (!a.valid || (!expected_sex.empty() && a.value != expected_sex)) {
      // Last try restricted to the two possible characters.
      Attempt w = read_with_retries(flat, box, box.height - 2 * px(0.6), Script::chinese, "男女", false, validate, 0.8,
                                    expected_sex);
      if (w.valid && (!a.valid || w.value == expected_sex)) a = w;
    }
    if (!a.valid) {
      // Nothing Tesseract read was 男 or 女 (a stroke lost to glare or blur): the two glyphs
      // differ in every part, so the character is compared with both as shapes; taken only when
      // it clearly resembles one of them, and below the review threshold.
      cv::Rect clipped = box & cv::Rect(0, 0, flat.cols, flat.rows);
      if (!clipped.empty()) {
        cv::Mat cell = without_coloured_ink(bgr, flat, clipped);
        auto f = glyph_features(cell);
        if (!f.empty()) {
          double male = glyph_similarity(f, "男"), female = glyph_similarity(f, "女");
          double best = std::max(male, female);
          if (std::getenv("SHIMING_OCR_DEBUG_DIR")) std::fprintf(stderr, "sex glyphs 男 %.3f 女 %.3f\n", male, female);
          if (best >= 0.80 && std::abs(male - female) >= 0.15) a = {male > female ? "男" : "女", 0.78, true};
        }
      }
    }
    put(out, "sex", a);
  }
  {
    cv::Rect box = value_box(ink, L::kEthnicityValueX + dx - 1.0, L::kSexRowY + dy, right, 2.4);
    static const std::string wl = whitelist_of(ethnicities(), "族");
    auto validate = [](const OcrText& t) -> std::optional<std::string> {
      auto s = snap_ethnicity(keep_cjk(t.text), 1);
      if (!s) return std::nullopt;
      return s->value;
    };
    Attempt a = read_with_retries(flat, box, box.height - 2 * px(0.6), Script::chinese, wl, false, validate, 0.8);
    // Eight names have a character the model lacks (傈僳 佤 畲 拉祜 达斡尔 仫佬 仡佬 珞巴): when
    // the read does not settle it, the glyphs are compared with each of the 56 names.
    if (!a.valid || a.confidence < 0.8) {
      cv::Rect clipped = box & cv::Rect(0, 0, flat.cols, flat.rows);
      if (!clipped.empty()) {
        Attempt g = ethnicity_by_glyphs(without_coloured_ink(bgr, flat, clipped));
        if (g.valid && (!a.valid || g.value == a.value || g.confidence > a.confidence)) a = g;
      }
    }
    put(out, "ethnicity", a);
  }
  // 出生.
  {
    cv::Rect box = value_box(ink, vx, L::kBirthRowY + dy, right, 2.4);
    std::vector<std::string> texts;  // every read, for the one-digit-short check below
    auto validate = [&texts](const OcrText& t) -> std::optional<std::string> {
      texts.push_back(t.text);
      auto d = parse_printed_birth(t.text);
      if (!d) return std::nullopt;
      return format_date(*d);
    };
    Attempt a = read_with_retries(flat, box, box.height - 2 * px(0.6), Script::chinese, "0123456789年月日", false,
                                  validate, 0.8, expected_birth);
    if (!a.valid || (!expected_birth.empty() && a.value != expected_birth)) {
      // 年 月 日 are printed in the label colour: remove them and read the three numbers alone.
      Attempt digits = read_digit_groups(bgr, flat, box, validate);
      if (digits.valid && (!a.valid || digits.value == expected_birth)) a = digits;
    }
    // A read that is the number's date with one thin digit lost (1990年1月16日 for 11 月) is
    // taken as that date, a little less surely.
    if (auto e = parse_iso_date(expected_birth); e && (!a.valid || a.value != expected_birth)) {
      for (const auto& t : texts)
        if (printed_birth_one_digit_short(t, *e)) {
          a = {expected_birth, 0.82, true};
          break;
        }
    }
    // Reads that disagree among themselves, each one digit from the number's date (1957年11月29日
    // and 1957年11月22日 for 25日): the number's date explains them all; taken a little less surely.
    if (auto e = parse_iso_date(expected_birth); e && (!a.valid || a.value != expected_birth)) {
      std::vector<std::chrono::year_month_day> dates;
      for (const auto& t : texts)
        if (auto d = parse_printed_birth(t)) dates.push_back(*d);
      if (birth_reads_scatter_around(dates, *e)) a = {expected_birth, 0.82, true};
    }
    put(out, "birth", a);
  }
  // 住址: up to three lines between the birth row and the number row.
  {
    cv::Rect area = rect_mm(vx, L::kAddressRowY + dy - 2.2, right - vx, 3 * L::kAddressLinePitch + 1.2);
    // Fragments are kept (the upper part of 号 or 字 is a band of its own) and merged below.
    auto bands = find_bands(ink, area, 3, 2);
    // Merge fragments of one line (a gap inside a character).
    std::vector<Band> lines;
    for (const auto& b : bands) {
      if (!lines.empty() && b.y0 - lines.back().y1 < px(0.5) && b.y1 - lines.back().y0 < px(4.2)) lines.back().y1 = b.y1;
      else lines.push_back(b);
    }
    std::string address;
    double conf_sum = 0;
    int n = 0;
    cv::Rect last_box;
    for (const auto& l : lines) {
      if (l.height() < px(1.8) || l.height() > px(5.5)) continue;
      cv::Rect box = ink_box(ink, cv::Rect(area.x, l.y0 - 2, area.width, l.height() + 4), px(0.6), 2);
      last_box = box;
      auto validate = [](const OcrText& t) -> std::optional<std::string> {
        std::string s = keep_cjk(address_ones(t.text), true, false);
        if (s.empty()) return std::nullopt;
        return s;
      };
      Attempt a = read_with_retries(flat, box, l.height(), Script::chinese, "", false, validate, 0.85);
      if (!a.valid) continue;
      address += a.value;
      conf_sum += a.confidence;
      ++n;
    }
    // An address that ends in a house number ends in one of a few characters (号 室 组 ...);
    // the last glyph is compared with them when Tesseract read another there (室 as 窜, or as
    // a Latin letter: 室 alone on the last line read as E).
    if (auto cps = utf8_code_points(address);
        cps.size() >= 2 && (cps.back().size() >= 3 || std::isalpha(static_cast<unsigned char>(cps.back()[0]))) &&
        cps[cps.size() - 2].size() == 1 && std::isdigit(static_cast<unsigned char>(cps[cps.size() - 2][0]))) {
      static const std::vector<std::string> kEndings = utf8_code_points("号室组楼栋层户幢座弄");
      cv::Rect clipped = last_box & cv::Rect(0, 0, flat.cols, flat.rows);
      if (!clipped.empty() && std::find(kEndings.begin(), kEndings.end(), cps.back()) == kEndings.end()) {
        cv::Mat line = flat(clipped);
        if (cv::Rect cell = last_character(line); !cell.empty()) {
          auto f = glyph_features(line(cell));
          double read_s = glyph_similarity(f, cps.back()), best_s = 0;
          std::string best;
          for (const auto& e : kEndings)
            if (double g = glyph_similarity(f, e); g > best_s) { best_s = g; best = e; }
          if (std::getenv("SHIMING_OCR_DEBUG_DIR"))
            std::fprintf(stderr, "address end %s: best %s %.3f read %.3f\n", cps.back().c_str(), best.c_str(), best_s, read_s);
          if (best_s >= 0.85 && best_s - read_s >= 0.12) {
            cps.back() = best;
            address.clear();
            for (const auto& cp : cps) address += cp;
          }
        }
      }
    }
    // The province, city and district it opens with, snapped to the region table's names.
    std::string region = out.count("id_number") ? out.at("id_number").value.substr(0, 6) : std::string();
    if (n > 0) out["address"] = Field{snap_address_regions(address, region), conf_sum / n};
  }
  return out;
}

Fields read_back_fields(const cv::Mat& bgr, const LayoutFit& fit, const cv::Mat& flat, const cv::Mat& ink) {
  Fields out;
  const double dx = fit.dx_mm, dy = fit.dy_mm;
  const double vx = L::kBackValueX + dx - 1.5, right = L::kBackValueRight + dx + 2.5;
  {
    cv::Rect box = value_box(ink, vx, L::kAuthorityRowY + dy, right, 2.4);
    auto validate = [](const OcrText& t) -> std::optional<std::string> {
      std::string s = keep_cjk(t.text);
      if (utf8_code_points(s).size() < 3) return std::nullopt;
      return s;
    };
    put(out, "issuing_authority",
        read_with_retries(flat, box, box.height - 2 * px(0.6), Script::chinese, "", false, validate, 0.85), false);
  }
  {
    cv::Rect box = value_box(ink, vx, L::kValidityRowY + dy, right, 2.4);
    auto validate = [](const OcrText& t) -> std::optional<std::string> {
      auto v = parse_validity(t.text);
      if (!v) return std::nullopt;
      if (!v->long_term && std::chrono::sys_days(v->to) <= std::chrono::sys_days(v->from)) return std::nullopt;
      return format_date(v->from) + "|" + (v->long_term ? std::string("长期") : format_date(v->to));
    };
    // A period the law knows (5, 10 or 20 years to the day, or 长期) is what every card shows:
    // reads that give one are preferred, and a digit misread in one of the two dates (2022.05.20
    // for .26) sends the line to the other preprocessings. When none gives one, the most
    // confident period read stands below the review threshold (the cross-check then asks a
    // person rather than rejecting on VALIDITY_SPAN_INVALID).
    auto lawful = [&validate](const OcrText& t) -> std::optional<std::string> {
      auto v = parse_validity(t.text);
      if (!v || validity_span_years(*v) == 0) return std::nullopt;
      return validate(t);
    };
    Attempt a = read_with_retries(flat, box, box.height - 2 * px(0.6), Script::chinese, "0123456789.-长期", false,
                                  lawful, 0.8);
    if (!a.valid) {
      a = read_with_retries(flat, box, box.height - 2 * px(0.6), Script::chinese, "0123456789.-长期", false, validate,
                            0.8);
      if (a.valid) a.confidence = std::min(a.confidence, 0.7);
    }
    if (a.valid) {
      auto bar = a.value.find('|');
      out["valid_from"] = Field{a.value.substr(0, bar), a.confidence};
      out["valid_to"] = Field{a.value.substr(bar + 1), a.confidence};
    }
  }
  return out;
}

}  // namespace shiming::idcard_ocr
