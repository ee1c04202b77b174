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
  double distance = 1.0;      // card distance relative to the one where it appears at full size
};
SynthClip printed_photo_clip(const FaceSource& src, const std::vector<std::string>& actions, double fps = 15,
                             std::uint32_t seed = 7, const PrintOptions& options = {});

// First half person A, second half person B, both doing the actions.
SynthClip face_swap_clip(const FaceSource& a, const FaceSource& b, const std::vector<std::string>& actions,
                         double fps = 15);

// Concatenated JPEG frames (video/x-motion-jpeg).
std::vector<std::uint8_t> to_mjpeg(const std::vector<cv::Mat>& frames, int quality = 85);

}  // namespace shiming::face::testkit
