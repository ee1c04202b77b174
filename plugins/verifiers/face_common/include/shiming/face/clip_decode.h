#pragma once
// Liveness clips: concatenated JPEG frames (video/x-motion-jpeg), or WebM/MP4
// where OpenCV's video backend decodes them.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "shiming/sdk/result.h"

namespace shiming::face {

struct ClipLimits {
  std::size_t max_bytes = 8u * 1024 * 1024;
  double max_seconds = 8.0;
  int max_frames = 300;
  double default_fps = 15.0;  // MJPEG carries no timing: frame i is at i / fps
  int max_width = 1920;
  int max_height = 1080;
};

struct ClipFrame {
  cv::Mat bgr;
  double t = 0.0;  // seconds from the first frame
};

struct Clip {
  std::vector<ClipFrame> frames;
  double duration = 0.0;  // seconds
  double fps = 0.0;
};

// Errors: CLIP_EMPTY, CLIP_TOO_LARGE, CLIP_TOO_LONG, CLIP_CORRUPT,
// CLIP_FRAME_SIZE_MISMATCH, CLIP_FORMAT_UNSUPPORTED, CLIP_TOO_SHORT.
// `fps` <= 0 uses limits.default_fps (MJPEG only).
sdk::Result<Clip> decode_clip(std::span<const std::uint8_t> data, const std::string& content_type,
                              const ClipLimits& limits = {}, double fps = 0.0);

// Splits concatenated JPEG files (SOI ... EOI, entropy data skipped by its
// marker rules). Errors: CLIP_CORRUPT when the data is not a JPEG sequence.
sdk::Result<std::vector<std::span<const std::uint8_t>>> split_mjpeg(
    std::span<const std::uint8_t> data);

}  // namespace shiming::face
