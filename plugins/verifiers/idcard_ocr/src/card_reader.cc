// read_side: decode -> locate -> rectify -> side and orientation -> quality gates -> fields.
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <string>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "card_locator.h"
#include "field_readers.h"
#include "image_input.h"
#include "quality.h"
#include "shiming/idcard_ocr/card_layout.h"
#include "shiming/idcard_ocr/idcard_ocr.h"
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
  const CardQuad& quad = *loc.card;
  r.quality["card_area_fraction"] = quad.area_fraction;
  r.quality["card_shape_score"] = quad.score;
  if (loc.card_like_count >= 2) {
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
  cv::Mat card = rectify(d.bgr, quad);
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
  SideGuess guess = classify_side(card);
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
  double glare = measure_glare(card, field_areas(side, fit));
  r.quality["glare"] = glare;
  r.quality["label_rows"] = fit.label_rows;
  if (glare > o.max_glare) {
    r.reasons.push_back("GLARE");
    return r;
  }

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
  if (r.fields.empty()) r.reasons.push_back("NOT_AN_ID_CARD");

  if (side == Side::front) {
    cv::Rect pr = rect_mm(L::kPortrait.x + fit.dx_mm, L::kPortrait.y + fit.dy_mm, L::kPortrait.w, L::kPortrait.h);
    cv::imencode(".png", card(pr), r.portrait_png);
  }
  r.timings_ms["total"] = ms_since(t_all);
  return r;
}

}  // namespace shiming::idcard_ocr
