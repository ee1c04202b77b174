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
  // Or the eyes' dark share (FrameSignals::eye_dark) under this share of its open baseline while the
  // eye aspect ratio is under 0.9 of its own. Off (0) by default: on the 20 pair-set faces it finds
  // blinks on turned heads (15 -> 18 of 20) but also raises blinks nobody made (25 -> 35 of 80 clips
  // of other actions), and a blink seen where there was none weakens the challenge (README).
  double blink_dark_ratio = 0;
  // Or the eye nearer the camera (the wider one over the clip, when it is at least `blink_near_width`
  // times the other's width: a head turned at rest) under `blink_ratio` of its own open baseline
  // while both eyes' mean dips under 0.9 of its own: dlib's points on the far, foreshortened eye
  // barely follow its lids and dilute the mean. 0 = off. On the 20 pair-set faces blinks seen go
  // 15 -> 17 of 20 with no more blinks nobody made (face_bench --action-sources 20 --blink-near X).
  double blink_near_width = 1.1;
  double turn_degrees = 12;         // yaw change for turn_left / turn_right
  // or a shift of the nose between the outer eye corners (face::nose_offset, share of their distance)
  // from its rest position, in the turn's direction: solvePnP misreads turns of a head already turned.
  double turn_offset = 0.08;
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
  // `planar_parallax` eye distances (~0.8 px at 80 px between the eyes), the face moved as one plane.
  // Or, against the clip's own tracking noise (camera, JPEG, blur, a glare sliding over glossy
  // paper): the residual at the third of the frames with the largest view change exceeds its value
  // at the third with the least by under `planar_noise_margin` eye distances, or by under twice that
  // while staying under `planar_noise_ratio` times it. A head's residual grows with the turn (nose
  // before cheeks: 0.0055-0.05 above the floor in face_bench), a plane's does not. Defaults below
  // every live clip of face_bench --print-sources 20 at clip seeds 7000 and 9100 (README).
  double planar_flow_tilt = 0.01;
  int planar_min_frames = 5;
  double planar_parallax = 0.010;
  double planar_noise_ratio = 3.0;
  double planar_noise_margin = 0.005;
  // Texture and light of the skin (face::texture_cues, over the face frames), three cues a print
  // shows together: its darkest tones stay far from black (median 1st over 99th luma percentile
  // above `texture_black_ratio`), glare covers the face (share of washed-out colourless pixels above
  // `texture_glare` in at least a tenth of the frames), and its micro-texture is not skin's (median
  // share of non-uniform LBP codes, the fine periodic grain of a dot screen or pixel grid, above
  // `texture_lbp_nonuniform`). SPOOF_TEXTURE when at least `texture_min_cues` of them fire: the
  // tones of one photo (a hazy or flash-lit face) can trip one cue, a print trips several.
  // Defaults: just above every live clip of the first ten pair-set faces (face_bench --texture-sources).
  double texture_black_ratio = 0.31;
  double texture_glare = 0.05;
  double texture_lbp_nonuniform = 0.12;
  int texture_min_cues = 2;
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
  // Median homography residual over the third of the flow frames with the least view change (the
  // clip's tracking noise) and over the third with the most.
  double flow_parallax_low = 0, flow_parallax_high = 0;
  bool blinked = false;
  bool planar_photo = false;  // the printed-photo (planar motion) cue fired
  // Texture cues over the face frames: median black ratio, saturation and high-frequency share, 90th
  // percentile of the glare share; and whether they call the clip a print or a screen.
  int texture_frames = 0;
  double texture_black = 0, texture_saturation = 0, texture_high_frequency = 0, texture_glare = 0;
  double texture_lbp_nonuniform = 0;  // median share of non-uniform LBP codes
  double texture_edge_width = 0;      // median edge width (focus, face::TextureCues::edge_width)
  double texture_chroma_spread = 0;   // median of Cr and Cb spread summed (face::TextureCues::cr_std + cb_std)
  int texture_cues_fired = 0;         // how many of the three texture cues are over their thresholds
  bool texture_spoof = false;
  nlohmann::json baselines = nlohmann::json::object();
};

// The flow fields of `out` (flow_frames .. flow_parallax_high) from the frames' texture flow.
void summarise_flow(const std::vector<FrameSignals>& frames, const LivenessParams& params, ClipAnalysis& out);
// The printed-photo (planar motion) decision on a clip's flow measurements (set nothing; used by
// analyse_signals): enough tilt frames, and a homography residual within tracking noise in absolute
// terms or relative to the clip's own noise floor.
bool flow_says_plane(const ClipAnalysis& a, const LivenessParams& params);

// The texture cues over their thresholds on a clip's texture measurements, and the decision
// (set nothing; used by analyse_signals).
int texture_cues_fired(const ClipAnalysis& a, const LivenessParams& params);
bool texture_says_spoof(const ClipAnalysis& a, const LivenessParams& params);

ClipAnalysis analyse_signals(const std::vector<FrameSignals>& frames, const std::vector<std::string>& challenge,
                             const LivenessParams& params);

nlohmann::json to_json(const DetectedAction& a);

}  // namespace shiming::liveness
