// read_side: decode -> locate -> rectify -> side and orientation -> quality gates -> fields.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "card_locator.h"
#include "field_readers.h"
#include "image_input.h"
#include "quality.h"
#include "shiming/idcard_ocr/card_layout.h"
#include "shiming/idcard_ocr/idcard_ocr.h"
#include "shiming/idnumber/id_number.h"
#include "side_classifier.h"
#include "text_lines.h"

namespace shiming::idcard_ocr {

const char* to_string(Side side) { return side == Side::front ? "front" : "back"; }

bool SideReading::has(const std::string& code) const {
  return std::find(reasons.begin(), reasons.end(), code) != reasons.end();
}

namespace {

namespace L = layout;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

std::vector<cv::Rect> field_areas(Side side, const LayoutFit& fit) {
  auto row = [&](double x0, double y, double x1) { return rect_mm(x0 + fit.dx_mm, y + fit.dy_mm - 2, x1 - x0, 4); };
  if (side == Side::front)
    return {row(L::kValueX, L::kNameRowY, L::kPortrait.x), row(L::kValueX, L::kSexRowY, L::kPortrait.x),
            row(L::kValueX, L::kBirthRowY, L::kPortrait.x), row(L::kValueX, L::kAddressRowY, L::kPortrait.x),
            row(L::kValueX, L::kAddressRowY + L::kAddressLinePitch, L::kPortrait.x),
            row(L::kNumberX, L::kNumberRowY, L::kNumberRight)};
  return {row(L::kBackValueX, L::kAuthorityRowY, L::kBackValueRight),
          row(L::kBackValueX, L::kValidityRowY, L::kBackValueRight)};
}

// The fields read from each area of field_areas(), in its order.
const std::vector<std::vector<const char*>> kFrontAreaKeys = {
    {"name"}, {"sex", "ethnicity"}, {"birth"}, {"address"}, {"address"}, {"id_number"}};
const std::vector<std::vector<const char*>> kBackAreaKeys = {{"issuing_authority"}, {"valid_from", "valid_to"}};
// A field under glare must have been read at least this surely, or the photo is refused.
constexpr double kGlareFieldConfidence = 0.8;

struct Vetted {
  CardQuad quad;
  cv::Mat card;  // rectified
  SideGuess guess;
};

cv::Point2f centre(const CardQuad& q) { return (q.corners[0] + q.corners[2]) * 0.5f; }
double width(const CardQuad& q) { return cv::norm(q.corners[1] - q.corners[0]); }

// Another card in the photo: a candidate of comparable size away from the chosen card, whole in
// the frame, whose print also looks like an ID card.
bool other_card_in_photo(const cv::Mat& bgr, const LocateResult& loc, const Vetted& chosen) {
  for (const auto& c : loc.candidates) {
    if (c.touches_border || c.score < 0.6 || c.area_fraction < chosen.quad.area_fraction * 0.4) continue;
    if (cv::norm(centre(c) - centre(chosen.quad)) < 0.5 * width(chosen.quad)) continue;
    if (classify_side(rectify(bgr, c)).looks_like_card) return true;
  }
  return false;
}

struct Attempted {
  Fields fields;
  LayoutFit fit;
  cv::Mat card;
};

Attempted read_fields(const cv::Mat& upright, Side side) {
  Attempted a;
  a.card = upright;
  cv::Mat flat = flatten_light(upright);
  cv::Mat ink = ink_mask(flat);
  a.fit = side == Side::front ? fit_front_layout(ink) : fit_back_layout(ink);
  a.fields = side == Side::front ? read_front_fields(upright, a.fit, flat, ink) : read_back_fields(upright, a.fit, flat, ink);
  return a;
}

}  // namespace

SideReading read_side(std::span<const std::uint8_t> image, Side side, const ReaderOptions& o) {
  SideReading r;
  r.requested = side;
  auto t_all = Clock::now();
  auto t = Clock::now();
  Decoded d = decode_photo(image, o);
  r.timings_ms["decode"] = ms_since(t);
  if (!d.reason.empty()) {
    r.reasons.push_back(d.reason);
    return r;
  }
  r.quality["width"] = d.width;
  r.quality["height"] = d.height;

  t = Clock::now();
  LocateResult loc = locate_card(d.bgr);
  r.timings_ms["locate"] = ms_since(t);
  if (!loc.card) {
    r.reasons.push_back(loc.cut_off_candidate ? "CARD_CUT_OFF" : "CARD_NOT_FOUND");
    return r;
  }
  // The first candidate (best first) that lies whole in the photo and whose print looks like
  // an ID card: a region that swallowed a touching object, or a larger region around the card,
  // may rank above the card itself. When none does, the best candidate is judged as it is.
  std::optional<Vetted> vetted;
  for (std::size_t i = 0; i < loc.candidates.size() && i < 6 && !vetted; ++i) {
    const CardQuad& c = loc.candidates[i];
    if (c.touches_border || c.area_fraction < o.min_card_area_fraction) continue;
    Vetted v{c, rectify(d.bgr, c), {}};
    v.guess = classify_side(v.card);
    if (v.guess.looks_like_card) vetted = std::move(v);
  }
  const CardQuad& quad = vetted ? vetted->quad : *loc.card;
  r.quality["card_area_fraction"] = quad.area_fraction;
  r.quality["card_shape_score"] = quad.score;
  if (vetted ? other_card_in_photo(d.bgr, loc, *vetted) : loc.card_like_count >= 2) {
    r.reasons.push_back("MULTIPLE_CARDS");
    return r;
  }
  if (quad.touches_border) {
    r.reasons.push_back("CARD_CUT_OFF");
    return r;
  }
  const double card_width = std::hypot(quad.corners[1].x - quad.corners[0].x, quad.corners[1].y - quad.corners[0].y);
  r.quality["card_width_px"] = card_width;
  if (quad.area_fraction < o.min_card_area_fraction || card_width < o.min_card_width_px) {
    r.reasons.push_back("CARD_TOO_SMALL");
    return r;
  }

  t = Clock::now();
  cv::Mat card = vetted ? vetted->card : rectify(d.bgr, quad);
  // For people debugging photos: the rectified card, when SHIMING_OCR_DEBUG_DIR is set.
  if (const char* dir = std::getenv("SHIMING_OCR_DEBUG_DIR"); dir && *dir)
    cv::imwrite(std::string(dir) + "/rectified_" + to_string(side) + ".png", card);
  r.timings_ms["rectify"] = ms_since(t);
  // Light and focus first: a dark or blurred photo must not be mistaken for another document.
  t = Clock::now();
  Quality q = measure_quality(card);
  r.quality["blur_mm"] = q.blur_mm;
  r.quality["brightness"] = q.brightness;
  r.quality["saturated"] = q.saturated;
  if (q.brightness < o.min_brightness) r.reasons.push_back("IMAGE_TOO_DARK");
  else if (q.saturated > o.max_saturated) r.reasons.push_back("IMAGE_OVEREXPOSED");
  else if (q.blur_mm > o.max_blur) r.reasons.push_back("IMAGE_BLURRED");
  r.timings_ms["quality"] = ms_since(t);
  if (!r.reasons.empty()) return r;
  SideGuess guess = vetted ? vetted->guess : classify_side(card);
  r.quality["layout_score"] = guess.score;
  r.quality["detected_side"] = to_string(guess.side);
  if (!guess.looks_like_card) {
    r.reasons.push_back("NOT_AN_ID_CARD");
    return r;
  }
  r.card_found = true;
  if (guess.side != side) {
    r.reasons.push_back("WRONG_SIDE");
    return r;
  }
  r.upside_down = guess.upside_down;
  if (guess.upside_down) cv::rotate(card, card, cv::ROTATE_180);

  t = Clock::now();
  cv::Mat flat = flatten_light(card);
  cv::Mat ink = ink_mask(flat);
  LayoutFit fit = side == Side::front ? fit_front_layout(ink) : fit_back_layout(ink);
  const std::vector<double> glare_by_area = glare_fractions(card, field_areas(side, fit));
  const double glare = *std::max_element(glare_by_area.begin(), glare_by_area.end());
  r.quality["glare"] = glare;
  r.quality["label_rows"] = fit.label_rows;

  t = Clock::now();
  r.fields = side == Side::front ? read_front_fields(card, fit, flat, ink) : read_back_fields(card, fit, flat, ink);
  // Nothing read where the layout promised text: maybe the orientation guess was wrong when
  // the two readings of the layout were close; try the other way up once.
  const char* key = side == Side::front ? "id_number" : "valid_from";
  if (!r.fields.count(key) && guess.margin < 0.5) {
    cv::Mat other;
    cv::rotate(card, other, cv::ROTATE_180);
    Attempted a = read_fields(other, side);
    if (a.fields.count(key)) {
      r.fields = a.fields;
      card = other;
      r.upside_down = !r.upside_down;
    }
  }
  r.timings_ms["ocr"] = ms_since(t);
  // Another document of about a card's shape (a passport page, a bank card) may pass for a card
  // by where its print lies; an ID card has its labels in the label column or, where they are
  // not seen, at least a number that passes GB 11643 (front) or a validity period (back).
  {
    auto it = r.fields.find(key);
    const bool key_read = it != r.fields.end() &&
                          (side == Side::back || idnumber::check(it->second.value, idnumber::Options{}).valid);
    if (fit.label_rows == 0 && !key_read) {
      r.fields.clear();
      r.reasons.push_back("NOT_AN_ID_CARD");
      return r;
    }
  }
  // Glare refuses the photo only where it cost a field: text often stays readable under a
  // highlight, and a highlight beside the text hides nothing.
  if (glare > o.max_glare) {
    const std::vector<std::vector<const char*>>& keys = side == Side::front ? kFrontAreaKeys : kBackAreaKeys;
    bool lost = false;
    for (std::size_t i = 0; i < glare_by_area.size() && i < keys.size(); ++i) {
      if (glare_by_area[i] <= o.max_glare) continue;
      for (const char* k : keys[i]) {
        auto it = r.fields.find(k);
        if (it == r.fields.end() || it->second.confidence < kGlareFieldConfidence) lost = true;
      }
    }
    if (lost) {
      r.fields.clear();
      r.reasons.push_back("GLARE");
      return r;
    }
  }
  if (r.fields.empty()) r.reasons.push_back("NOT_AN_ID_CARD");

  if (side == Side::front) {
    cv::Rect pr = rect_mm(L::kPortrait.x + fit.dx_mm, L::kPortrait.y + fit.dy_mm, L::kPortrait.w, L::kPortrait.h);
    cv::imencode(".png", card(pr), r.portrait_png);
  }
  r.timings_ms["total"] = ms_since(t_all);
  return r;
}

}  // namespace shiming::idcard_ocr
