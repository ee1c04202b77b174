#pragma once

#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace shiming::mrz {

// Reads one binarised zone line (ink = 255) of `width` characters: splits it at the fixed
// pitch between the first and last glyph and matches each cell against OCR-B glyph templates.
// Returns "" when the line does not look like `width` glyphs.
// `classes` restricts each position to what ICAO 9303 allows there: N digit, D digit or '<',
// A letter or '<', X anything (see character_classes()).
// `ink` (same size as binary, ink bright) is what the windows are matched on.
// `margins` (optional) receives, per character, how much better the best glyph matched than
// the runner-up (0..2; small = doubtful), and `runners_up` the runner-up characters.
std::string template_line(const cv::Mat& binary, const cv::Mat& ink, int width, const std::string& classes,
                          std::vector<double>* margins = nullptr, std::string* runners_up = nullptr);

// The character classes of line `line` (0-based) of a zone `width` characters wide.
std::string character_classes(int width, int line);

// The normalised character cells (28x36, float 0..1, softened) of a zone line, in order; empty
// when the line does not look like `width` glyphs. (Used by template_line and by the tool that
// learns templates from generated pages.)
std::vector<cv::Mat> line_cells(const cv::Mat& binary, const cv::Mat& ink, int width);

// Estimates how many characters the line holds (30, 36 or 44), 0 when unsure.
int estimate_width(const cv::Mat& binary);

}  // namespace shiming::mrz
