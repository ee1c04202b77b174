// Which face of the card a rectified image shows, and whether it is upside down, from where the
// printed layout puts text, portrait and emblem.
#pragma once

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

}  // namespace shiming::idcard_ocr
