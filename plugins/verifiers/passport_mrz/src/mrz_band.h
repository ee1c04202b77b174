// Locating the zone on a page photo and cutting it into deskewed, binarised text lines.
#pragma once

#include <optional>
#include <vector>

#include <opencv2/core.hpp>

namespace shiming::mrz {

struct Band {
  cv::Mat gray;                   // deskewed zone, grey, light background
  cv::Mat binary;                 // ink = 255
  cv::Mat ink;                    // lighting-flattened grey, ink bright (for matching)
  std::vector<cv::Rect> lines;    // text lines inside `gray`, top to bottom
  // Per line, straightened on its own (perspective tilts the lines differently) and cropped:
  std::vector<cv::Mat> line_gray, line_binary, line_ink;
};

// Returns the most zone-like band (wide, two or three dense lines of text near the bottom),
// or nothing.
std::optional<Band> find_band(const cv::Mat& gray);

}  // namespace shiming::mrz
