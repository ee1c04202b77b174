#pragma once
// From per-frame signals to actions, their order, and spoof cues.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "frame_signals.h"
#include "planar_motion.h"

namespace shiming::liveness {

struct LivenessParams {
  double blink_ratio = 0.72;        // eye aspect ratio under this share of the open baseline = closed
  double turn_degrees = 12;         // yaw change for turn_left / turn_right
  double nod_degrees = 8;           // pitch change for nod
  double mouth_open_delta = 0.18;   // mouth opening over the baseline for open_mouth
  double min_face_share = 0.8;      // share of frames that must show the face
  double static_motion = 0.03;      // non-rigid landmark motion under this (share of eye distance) = still photo
  double moire_ratio = 6.5;         // median moire peak ratio over this = screen replay
  double same_face_distance = 0.6;  // first vs later frames: descriptor distance
  // Printed photo moved in front of the camera: the face's texture, tracked between frames
  // kFlowGap apart, follows one homography (a plane) to within tracking noise. Frames whose view
  // changed beyond a similarity by more than `planar_flow_tilt` eye distances are "tilt frames";
  // with at least `planar_min_frames` of them and a median homography residual over them under
  // `planar_parallax` eye distances (~1 px at 80 px between the eyes), the face moved as one plane.
  double planar_flow_tilt = 0.01;
  int planar_min_frames = 5;
  double planar_parallax = 0.012;
  // Texture and light of the skin (face::texture_cues, medians over the face frames): a print or a
  // screen when the darkest tones stay far from black (`texture_black_ratio`: 1st over 99th luma
  // percentile above this) or when glare covers the face (`texture_glare`: share of washed-out,
  // colourless pixels above this in at least a tenth of the frames).
  double texture_black_ratio = 0.40;
  double texture_glare = 0.25;
  int texture_min_frames = 5;
  static LivenessParams from_json(const nlohmann::json& params);
};

struct DetectedAction {
  std::string action;
  double t_start = 0, t_end = 0, t_peak = 0;
  int frame = 0;          // frame of the peak
  double magnitude = 0;   // how far from the baseline at the peak
};

struct ClipAnalysis {
  std::vector<DetectedAction> events;   // every action seen, in time order
  std::vector<DetectedAction> matched;  // the challenge's actions, in order, as matched
  std::optional<std::string> missing;   // first challenge action not found in order
  int frames = 0, face_frames = 0, multi_face_frames = 0;
  double nonrigid_motion = 0;
  double moire_median = 0;
  PlanarMotion planar;  // landmark geometry (reported only: dlib's shape prior bends a tilted photo)
  // Dense-flow planarity (frame_signals.h): frames measured, frames whose view changed beyond a
  // similarity (flow_tilt > planar_flow_tilt), and over those the median homography residual
  // and the median ratio residual / tilt.
  int flow_frames = 0, flow_tilt_frames = 0;
  double flow_parallax = 0, flow_ratio = 0, flow_tilt_max = 0;
  bool blinked = false;
  bool planar_photo = false;  // the printed-photo (planar motion) cue fired
  // Texture cues over the face frames: median black ratio, saturation and high-frequency share, 90th
  // percentile of the glare share; and whether they call the clip a print or a screen.
  int texture_frames = 0;
  double texture_black = 0, texture_saturation = 0, texture_high_frequency = 0, texture_glare = 0;
  bool texture_spoof = false;
  nlohmann::json baselines = nlohmann::json::object();
};

// The texture decision on a clip's texture measurements (sets nothing; used by analyse_signals).
bool texture_says_spoof(const ClipAnalysis& a, const LivenessParams& params);

ClipAnalysis analyse_signals(const std::vector<FrameSignals>& frames, const std::vector<std::string>& challenge,
                             const LivenessParams& params);

nlohmann::json to_json(const DetectedAction& a);

}  // namespace shiming::liveness
