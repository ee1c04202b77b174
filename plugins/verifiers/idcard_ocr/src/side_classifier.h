// Which face of the card a rectified image shows, and whether it is upside down, from where the
// printed layout puts text, portrait and emblem.
#pragma once

#include <optional>

#include <opencv2/core.hpp>

#include "shiming/idcard_ocr/idcard_ocr.h"

namespace shiming::idcard_ocr {

struct SideGuess {
  bool looks_like_card = false;  // some hypothesis fits the layout clearly
  Side side = Side::front;
  bool upside_down = false;
  double score = 0;   // of the best hypothesis
  double margin = 0;  // best minus the best hypothesis of the other side
};

SideGuess classify_side(const cv::Mat& rectified_bgr);

// The back's national emblem is the card's only red: when a quarter of the emblem's place is
// red and that is most of the card's red, whether the card is upside down (the emblem at the
// other corner); nullopt when the red says nothing (no emblem, or red elsewhere as well, such
// as clothes in a front's portrait). classify_side turns a back that its layout scores as a
// front by a small margin (the 180°-turned front layout falls on the back's print too).
std::optional<bool> emblem_turn(const cv::Mat& rectified_bgr);

}  // namespace shiming::idcard_ocr
