#pragma once
// Synthetic liveness clips made from a real face photo: eyelids closed by
// warping the eye regions (blink), yaw and pitch by a warp over a face-shaped
// depth map (turns, nod), the jaw lowered with a dark mouth opening, a static
// photo, a "screen replay" with a moire pattern and pixel grid, and a clip in
// which the face changes to another person.
#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "shiming/face/face_models.h"
#include "shiming/face/landmarks.h"

namespace shiming::face::testkit {

struct FacePose {
  double eyes_closed = 0;  // 0 open .. 1 closed
  double yaw = 0;          // degrees, + = to the person's left (nose moves to image right)
  double pitch = 0;        // degrees, + = chin up
  double mouth_open = 0;   // 0 .. 1
};

// A face photo and its landmarks, the source of synthetic frames.
struct FaceSource {
  cv::Mat frame;  // 640x480 BGR with the face roughly centred, ~180 px wide
  FaceLandmarks landmarks;
};

// The face crop scaled to 400x400 in the middle of a grey 640x480 frame, with
// its landmarks. Throws when the analyzer finds no face in it.
FaceSource make_face_source(const FaceAnalyzer& analyzer, const cv::Mat& face_crop);

// Renders the face with the pose applied.
cv::Mat render(const FaceSource& src, const FacePose& pose);

struct SynthClip {
  std::vector<cv::Mat> frames;
  double fps = 15;
  // When each requested action is at its peak, seconds.
  std::vector<std::pair<std::string, double>> action_peaks;
};

// Neutral lead-in, then each action (blink, turn_left, turn_right, nod, open_mouth)
// for 0.5 s with 0.25 s gaps, then a neutral tail; small hand shake and sensor noise.
SynthClip action_clip(const FaceSource& src, const std::vector<std::string>& actions, double fps = 15,
                      std::uint32_t seed = 7);
// The same still frame for `seconds` with only rigid shake and noise: a photo held up.
SynthClip static_photo_clip(const FaceSource& src, double seconds = 3, double fps = 15, std::uint32_t seed = 7);
// `clip` re-filmed from a screen: moire beat pattern, pixel grid, lower contrast.
SynthClip screen_replay(const SynthClip& clip);
// A live person holding the phone: the actions as in action_clip, plus the natural sway of a head
// (a few degrees of yaw and pitch, rendered with the same depth warp) and the camera's own motion
// (small rotations about its centre: a homography K R K^-1, no parallax), zoom and drift.
SynthClip handheld_action_clip(const FaceSource& src, const std::vector<std::string>& actions, double fps = 15,
                               std::uint32_t seed = 7);

// A printed photo of the face held in front of the camera and moved to mimic the actions: the print
// (the neutral face on a card with a white border; lower dynamic range and a warm paper white, a 45
// degree halftone dot screen, paper grain) placed in 3D and projected by a pinhole camera (tilted
// left/right for turns, up/down for a nod; blink and open_mouth cannot be mimicked, the hand only
// nudges it), drifting and shaken by the hand, with a specular glare on the glossy paper that slides
// over it as it tilts; then camera blur and sensor noise.
struct PrintOptions {
  double tilt_degrees = 28;   // card rotation used to mimic a turn (nod: 0.75 of it)
  bool halftone = true;
  bool glare = true;
  double glare_strength = 0.55;  // how far the glare washes the paper towards white at its centre
  double distance = 1.0;      // card distance relative to the one where it appears at full size
  // Ink and paper: the reflectance of full black ink, the paper's white (B, G, R reflectances) and
  // the colour gamut of the inks (1 keeps the photo's chroma, 0.7 keeps 70 % of it around its grey).
  double ink_black = 0.12;
  cv::Scalar paper = cv::Scalar(0.86, 0.92, 0.95);
  double gamut = 1.0;
  double print_blur = -1;  // Gaussian sigma at twice the frame's scale (ink spread); -1: 1.6 halftone, 0.8 plain
  double camera_blur = 0.7;  // Gaussian sigma of the camera's optics, frame px
};

// A plain print as a person would make one at home or in a photo shop, drawn from `seed`: no dot
// screen visible at capture size, matte or faintly glossy paper, a paper white from cool to warm,
// black ink at 6-20 % reflectance, 65-95 % of the photo's chroma, a little ink spread and camera
// blur, tilted 15-30 degrees to mimic turns, held at 0.85-1.2 of the full-size distance.
PrintOptions realistic_print(std::uint32_t seed);
SynthClip printed_photo_clip(const FaceSource& src, const std::vector<std::string>& actions, double fps = 15,
                             std::uint32_t seed = 7, const PrintOptions& options = {});

// First half person A, second half person B, both doing the actions.
SynthClip face_swap_clip(const FaceSource& a, const FaceSource& b, const std::vector<std::string>& actions,
                         double fps = 15);

// Concatenated JPEG frames (video/x-motion-jpeg).
std::vector<std::uint8_t> to_mjpeg(const std::vector<cv::Mat>& frames, int quality = 85);

}  // namespace shiming::face::testkit
