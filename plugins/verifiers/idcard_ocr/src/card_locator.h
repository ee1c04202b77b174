// Finds the card quadrilateral in a photo and rectifies it to the canonical size.
#pragma once

#include <array>
#include <optional>
#include <vector>

#include <opencv2/core.hpp>

namespace shiming::idcard_ocr {

inline constexpr double kCanonicalPxPerMm = 12.0;
cv::Size canonical_size();  // 1027 x 648

struct CardQuad {
  std::array<cv::Point2f, 4> corners;  // tl, tr, br, bl of the card as it lies (long side first)
  double area_fraction = 0;            // of the photo
  double score = 0;                    // 0..1 how card-like (aspect, straightness)
  bool touches_border = false;         // a side lies on the photo's edge: probably cut off
};

struct LocateResult {
  std::optional<CardQuad> card;   // the best candidate
  // Card-shaped candidates, best first, near-duplicates removed (card is the first); the reader
  // takes the first whose print looks like an ID card when the best does not.
  std::vector<CardQuad> candidates;
  int card_like_count = 0;        // distinct card-shaped candidates of comparable size
  bool cut_off_candidate = false; // a large region runs off the edge of the photo
};

LocateResult locate_card(const cv::Mat& bgr);

// Perspective-corrects the card to canonical_size(), long side horizontal.
cv::Mat rectify(const cv::Mat& bgr, const CardQuad& quad);

}  // namespace shiming::idcard_ocr
