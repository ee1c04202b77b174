#pragma once
// Passive presentation-attack cues measured on a face region.
#include <opencv2/core.hpp>

namespace shiming::face {

// Screen replay: strength of isolated periodic peaks (moire, pixel grid) in
// the mid/high frequencies of the face's spectrum, relative to the smooth
// background of the spectrum. Synthetic clips of a real face: ~3.5; the same
// clip with a screen moire and pixel grid: ~10 (tests/ and the benchmark).
double moire_peak_ratio(const cv::Mat& face_gray);

// Share of spectral energy above half the Nyquist frequency: printed photos
// recaptured by a camera lose fine texture (low), halftone prints show grain.
double high_frequency_energy(const cv::Mat& face_gray);

// Sharpness: variance of the Laplacian of the region resized to 128 px wide.
double sharpness(const cv::Mat& face_gray);

}  // namespace shiming::face
