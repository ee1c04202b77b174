#include "clip_analysis.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include <opencv2/calib3d.hpp>

namespace shiming::liveness {
namespace {

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::size_t k = std::min(v.size() - 1, std::size_t(q * double(v.size() - 1) + 0.5));
  std::nth_element(v.begin(), v.begin() + long(k), v.end());
  return v[k];
}

double round3(double v) { return std::round(v * 1000.0) / 1000.0; }

// Runs of consecutive face frames where `value(frame)` exceeds 0; the peak is
// the frame with the largest value.
std::vector<DetectedAction> runs(const std::vector<FrameSignals>& frames, const std::string& action,
                                 const std::function<double(const FrameSignals&)>& value) {
  std::vector<DetectedAction> out;
  std::optional<DetectedAction> cur;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const auto& f = frames[i];
    double v = f.face ? value(f) : 0;
    if (v > 0) {
      if (!cur) cur = DetectedAction{action, f.t, f.t, f.t, int(i), v};
      cur->t_end = f.t;
      if (v > cur->magnitude) {
        cur->magnitude = v;
        cur->t_peak = f.t;
        cur->frame = int(i);
      }
    } else if (cur && f.face) {
      out.push_back(*cur);
      cur.reset();
    }
  }
  if (cur) out.push_back(*cur);
  return out;
}

// Largest non-rigid motion of the landmarks: each frame's points aligned to the
// first face frame by a similarity transform, RMS residual / eye distance.
double nonrigid_motion(const std::vector<FrameSignals>& frames) {
  const FrameSignals* ref = nullptr;
  std::vector<double> residuals;
  for (const auto& f : frames) {
    if (!f.face) continue;
    if (!ref) {
      ref = &f;
      continue;
    }
    std::vector<cv::Point2f> a(f.landmarks.points.begin(), f.landmarks.points.end());
    std::vector<cv::Point2f> b(ref->landmarks.points.begin(), ref->landmarks.points.end());
    cv::Mat m = cv::estimateAffinePartial2D(a, b);
    if (m.empty()) continue;
    double sum = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      double x = m.at<double>(0, 0) * a[i].x + m.at<double>(0, 1) * a[i].y + m.at<double>(0, 2);
      double y = m.at<double>(1, 0) * a[i].x + m.at<double>(1, 1) * a[i].y + m.at<double>(1, 2);
      sum += (x - b[i].x) * (x - b[i].x) + (y - b[i].y) * (y - b[i].y);
    }
    residuals.push_back(std::sqrt(sum / double(a.size())) / std::max(1.0, ref->landmarks.inter_ocular()));
  }
  return residuals.empty() ? 0 : percentile(residuals, 0.9);
}

}  // namespace

LivenessParams LivenessParams::from_json(const nlohmann::json& j) {
  LivenessParams p;
  auto num = [&](const char* key, double& v) { if (j.contains(key)) v = j[key].get<double>(); };
  num("blink_ratio", p.blink_ratio);
  num("blink_dark_ratio", p.blink_dark_ratio);
  num("blink_near_width", p.blink_near_width);
  num("turn_degrees", p.turn_degrees);
  num("turn_offset", p.turn_offset);
  num("nod_degrees", p.nod_degrees);
  num("mouth_open_delta", p.mouth_open_delta);
  num("min_face_share", p.min_face_share);
  num("static_motion", p.static_motion);
  num("moire_ratio", p.moire_ratio);
  num("same_face_distance", p.same_face_distance);
  num("planar_parallax", p.planar_parallax);
  num("planar_flow_tilt", p.planar_flow_tilt);
  num("planar_noise_ratio", p.planar_noise_ratio);
  num("planar_noise_margin", p.planar_noise_margin);
  num("texture_black_ratio", p.texture_black_ratio);
  num("texture_glare", p.texture_glare);
  num("texture_lbp_nonuniform", p.texture_lbp_nonuniform);
  if (j.contains("texture_min_cues")) p.texture_min_cues = j["texture_min_cues"].get<int>();
  if (j.contains("texture_min_frames")) p.texture_min_frames = j["texture_min_frames"].get<int>();
  if (j.contains("planar_min_frames")) p.planar_min_frames = j["planar_min_frames"].get<int>();
  return p;
}

nlohmann::json to_json(const DetectedAction& a) {
  return {{"action", a.action}, {"t_start", round3(a.t_start)}, {"t_end", round3(a.t_end)},
          {"t_peak", round3(a.t_peak)}, {"frame", a.frame}, {"magnitude", round3(a.magnitude)}};
}

int texture_cues_fired(const ClipAnalysis& a, const LivenessParams& p) {
  return int(a.texture_black > p.texture_black_ratio) + int(a.texture_glare > p.texture_glare) +
         int(a.texture_lbp_nonuniform > p.texture_lbp_nonuniform);
}

void summarise_flow(const std::vector<FrameSignals>& frames, const LivenessParams& p, ClipAnalysis& out) {
  out.flow_frames = out.flow_tilt_frames = 0;
  out.flow_tilt_max = out.flow_parallax_low = out.flow_parallax_high = 0;
  std::vector<double> par, ratio;
  std::vector<std::pair<double, double>> by_tilt;  // (tilt, residual) of every flow frame
  for (const auto& f : frames) {
    if (f.flow_points < 12) continue;
    ++out.flow_frames;
    by_tilt.emplace_back(f.flow_tilt, f.flow_parallax);
    out.flow_tilt_max = std::max(out.flow_tilt_max, f.flow_tilt);
    if (f.flow_tilt <= p.planar_flow_tilt) continue;
    ++out.flow_tilt_frames;
    par.push_back(f.flow_parallax);
    ratio.push_back(f.flow_parallax / f.flow_tilt);
  }
  out.flow_parallax = percentile(par, 0.5);
  out.flow_ratio = percentile(ratio, 0.5);
  if (by_tilt.size() >= 6) {
    std::sort(by_tilt.begin(), by_tilt.end());
    const std::size_t third = by_tilt.size() / 3;
    std::vector<double> low, high;
    for (std::size_t i = 0; i < third; ++i) {
      low.push_back(by_tilt[i].second);
      high.push_back(by_tilt[by_tilt.size() - 1 - i].second);
    }
    out.flow_parallax_low = percentile(low, 0.5);
    out.flow_parallax_high = percentile(high, 0.5);
  }
}

bool flow_says_plane(const ClipAnalysis& a, const LivenessParams& p) {
  if (a.flow_tilt_frames < p.planar_min_frames) return false;
  if (a.flow_parallax < p.planar_parallax) return true;
  if (p.planar_noise_ratio <= 0 && p.planar_noise_margin <= 0) return false;
  // The residual's growth from the least to the most view change: within the margin, or within the
  // ratio and twice the margin (a noisy clip's floor does not let a head's growth hide under the ratio).
  const double noise = a.flow_parallax_low, growth = a.flow_parallax_high - noise;
  return growth < p.planar_noise_margin ||
         (a.flow_parallax_high < p.planar_noise_ratio * noise && growth < 2 * p.planar_noise_margin);
}

bool texture_says_spoof(const ClipAnalysis& a, const LivenessParams& p) {
  return a.texture_frames >= p.texture_min_frames && texture_cues_fired(a, p) >= std::max(1, p.texture_min_cues);
}

ClipAnalysis analyse_signals(const std::vector<FrameSignals>& frames, const std::vector<std::string>& challenge,
                             const LivenessParams& p) {
  ClipAnalysis out;
  out.frames = int(frames.size());
  std::vector<double> ear, mouth, yaw, pitch, moire, black, sat, hf, glare, nose, lbp_nu, dark, edge, chroma;
  std::vector<double> ear_l, ear_r, width_l, width_r;
  for (const auto& f : frames) {
    if (f.faces > 1) ++out.multi_face_frames;
    if (!f.face) continue;
    if (f.texture.valid) {
      ++out.texture_frames;
      black.push_back(f.texture.black_ratio);
      sat.push_back(f.texture.saturation);
      hf.push_back(f.texture.high_frequency);
      glare.push_back(f.texture.glare);
      lbp_nu.push_back(f.texture.lbp[58]);
      edge.push_back(f.texture.edge_width);
      chroma.push_back(f.texture.cr_std + f.texture.cb_std);
    }
    ++out.face_frames;
    ear.push_back(f.ear);
    ear_l.push_back(f.ear_left);
    ear_r.push_back(f.ear_right);
    width_l.push_back(f.eye_width_left);
    width_r.push_back(f.eye_width_right);
    nose.push_back(f.nose_offset);
    if (f.eye_dark >= 0) dark.push_back(f.eye_dark);
    mouth.push_back(f.mouth);
    yaw.push_back(f.yaw);
    pitch.push_back(f.pitch);
    moire.push_back(f.moire);
  }
  if (out.face_frames == 0) {
    out.missing = challenge.empty() ? std::nullopt : std::optional<std::string>(challenge.front());
    return out;
  }
  // Baselines: eyes are open most of the time, the mouth closed, the head straight.
  const double ear0 = percentile(ear, 0.75), mouth0 = percentile(mouth, 0.25);
  const double yaw0 = percentile(yaw, 0.5), pitch0 = percentile(pitch, 0.5);
  const double nose0 = percentile(nose, 0.5), dark0 = percentile(dark, 0.75);
  out.baselines = {{"eye_aspect_ratio", round3(ear0)}, {"mouth_opening", round3(mouth0)},
                   {"yaw", round3(yaw0)}, {"pitch", round3(pitch0)}, {"nose_offset", round3(nose0)}};
  out.moire_median = percentile(moire, 0.5);
  out.texture_black = percentile(black, 0.5);
  out.texture_saturation = percentile(sat, 0.5);
  out.texture_high_frequency = percentile(hf, 0.5);
  out.texture_glare = percentile(glare, 0.9);
  out.texture_lbp_nonuniform = percentile(lbp_nu, 0.5);
  out.texture_edge_width = percentile(edge, 0.5);
  out.texture_chroma_spread = percentile(chroma, 0.5);
  out.texture_cues_fired = texture_cues_fired(out, p);
  out.texture_spoof = texture_says_spoof(out, p);
  out.nonrigid_motion = nonrigid_motion(frames);
  {
    std::vector<const face::FaceLandmarks*> faces;
    for (const auto& f : frames)
      if (f.face) faces.push_back(&f.landmarks);
    out.planar = planar_motion(faces, 0.03);
    summarise_flow(frames, p, out);
  }

  auto add = [&](std::vector<DetectedAction> r) { out.events.insert(out.events.end(), r.begin(), r.end()); };
  // Blink: the eye aspect ratio, or the iris and pupil covered (dlib's eye points on a turned face
  // barely close while the lids do).
  // The eye nearer the camera on a head turned at rest: the wider one over the clip.
  const double wl = percentile(width_l, 0.5), wr = percentile(width_r, 0.5);
  int near_eye = 0;  // 1 left, -1 right, 0 neither clearly nearer
  if (p.blink_near_width > 0 && std::min(wl, wr) > 0) {
    if (wl >= p.blink_near_width * wr) near_eye = 1;
    else if (wr >= p.blink_near_width * wl) near_eye = -1;
  }
  const double near0 = near_eye > 0 ? percentile(ear_l, 0.75) : near_eye < 0 ? percentile(ear_r, 0.75) : 0;
  if (near_eye != 0) out.baselines["near_eye_aspect_ratio"] = round3(near0);
  add(runs(frames, "blink", [&](const FrameSignals& f) {
    if (f.ear < p.blink_ratio * ear0) return 1.0 - f.ear / ear0;
    if (near_eye != 0 && near0 > 0) {
      const double e = near_eye > 0 ? f.ear_left : f.ear_right;
      if (e < p.blink_ratio * near0 && f.ear < 0.9 * ear0) return 1.0 - e / near0;
    }
    // The landmarks must still narrow a little (a turn or a shadow alone darkens or lightens the eye
    // regions without that).
    if (p.blink_dark_ratio > 0 && dark0 > 0.05 && f.eye_dark >= 0 && f.eye_dark < p.blink_dark_ratio * dark0 &&
        f.ear < 0.9 * ear0)
      return 1.0 - f.eye_dark / dark0;
    return 0.0;
  }));
  // Turns: solvePnP's yaw, or the nose's shift between the eye corners (scaled to degrees of the
  // yaw threshold for the magnitude) where a turned head makes the 3D fit unreliable.
  auto turn = [&](const FrameSignals& f, double sign) {
    const double d = sign * (f.yaw - yaw0), o = sign * (f.nose_offset - nose0);
    if (d > p.turn_degrees) return d;
    if (p.turn_offset > 0 && o > p.turn_offset) return o / p.turn_offset * p.turn_degrees;
    return 0.0;
  };
  add(runs(frames, "turn_left", [&](const FrameSignals& f) { return turn(f, 1.0); }));
  add(runs(frames, "turn_right", [&](const FrameSignals& f) { return turn(f, -1.0); }));
  add(runs(frames, "nod", [&](const FrameSignals& f) {
    double d = std::abs(f.pitch - pitch0);
    return d > p.nod_degrees && std::abs(f.yaw - yaw0) < p.turn_degrees / 2 ? d : 0.0;
  }));
  add(runs(frames, "open_mouth", [&](const FrameSignals& f) {
    double d = f.mouth - mouth0;
    return d > p.mouth_open_delta ? d : 0.0;
  }));
  out.blinked = std::any_of(out.events.begin(), out.events.end(), [](const auto& e) { return e.action == "blink"; });
  out.planar_photo = flow_says_plane(out, p);
  std::sort(out.events.begin(), out.events.end(),
            [](const auto& a, const auto& b) { return a.t_peak < b.t_peak; });

  // The challenge in order: each action must peak after the previous one did.
  double after = -1;
  for (const auto& want : challenge) {
    auto it = std::find_if(out.events.begin(), out.events.end(),
                           [&](const DetectedAction& e) { return e.action == want && e.t_peak > after; });
    if (it == out.events.end()) {
      out.missing = want;
      break;
    }
    out.matched.push_back(*it);
    after = it->t_peak;
  }
  return out;
}

}  // namespace shiming::liveness
