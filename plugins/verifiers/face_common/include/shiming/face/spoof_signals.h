#pragma once
// Passive presentation-attack cues measured on a face region.
#include <array>

#include <opencv2/core.hpp>

#include "shiming/face/landmarks.h"

namespace shiming::face {

// Screen replay: strength of isolated periodic peaks (moire, pixel grid) in
// the mid/high frequencies of the face's spectrum, relative to the smooth
// background of the spectrum. Synthetic clips of a real face: ~3.5; the same
// clip with a screen moire and pixel grid: ~10 (tests/ and the benchmark).
double moire_peak_ratio(const cv::Mat& face_gray);

// Share of spectral energy above half the Nyquist frequency: printed photos
// recaptured by a camera lose fine texture (low), halftone prints show grain.
double high_frequency_energy(const cv::Mat& face_gray);

// Texture and light of the skin, measured on the face normalised by its landmarks (a 128x128 chip
// with 48 px between the eye centres; pixels inside the face outline, eyes and mouth included).
// A print or a screen reproduces a face with less range than a lit head has and with a surface of
// its own: the paper's or the glass's sheen over the whole sheet, dot screens or pixel grids.
struct TextureCues {
  bool valid = false;
  // Specular glare: share of face pixels half the way from the darker skin (25th percentile) to white
  // with under half the skin's chroma (a glossy sheet's mirror image of a lamp washes a patch out;
  // live skin shows highlights too, large ones under a flash).
  double glare = 0;
  // Darkest tone (1st percentile of luma) over the brightest (99th): ink and backlit pixels never
  // reach the black of pupils and nostrils on a lit head.
  double black_ratio = 0;
  // Median chroma (HSV saturation, 0..1) of the skin: ink on paper and a screen's raised black dilute it.
  double saturation = 0;
  // Share of spectral energy above half the Nyquist frequency (high_frequency_energy on the chip).
  double high_frequency = 0;
  // Micro-texture: uniform LBP (8 neighbours at radius 1; 58 uniform patterns and one bin for all
  // others) of the chip's luma inside the outline, normalised to sum 1.
  std::array<float, 59> lbp{};
  // Chroma spread of the skin: standard deviation of YCrCb's Cr and Cb inside the outline (0..255
  // units). Ink and paper compress the colour range a lit head shows.
  double cr_std = 0, cb_std = 0;
  // Focus: the width of the face's edges in chip pixels (48 px between the eyes), from the ratio of
  // gradient to Laplacian energy over the strongest fifth of the gradients inside the outline: it
  // grows with the blur whatever the edges' contrast (summed over a whole step blurred by a
  // Gaussian of sigma s it is s * sqrt(2)). A print is a picture of a picture: the first camera's,
  // the printer's and the second camera's blur add up.
  double edge_width = 0;
};
// Bin of an 8-bit LBP code in the 59-bin uniform histogram (58 uniform codes, then the rest).
int uniform_lbp_bin(unsigned code);
// Chi-square distance between two normalised histograms (0 = the same, 2 at most).
double chi_square(const float* a, const float* b, std::size_t n);
TextureCues texture_cues(const cv::Mat& bgr, const FaceLandmarks& landmarks);

// Sharpness: variance of the Laplacian of the region resized to 128 px wide.
double sharpness(const cv::Mat& face_gray);

}  // namespace shiming::face
