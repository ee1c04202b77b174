#pragma once
// Landmark geometry of a printed photo (reported in the finding; the decision uses the dense
// texture flow of frame_signals.h, because dlib's shape prior bends the landmarks of a tilted photo
// as if the head had turned, ~0.05 eye distances of false nose parallax). The idea: a photo (or a screen) moved in front of the camera is one plane,
// so between any two frames its landmarks follow a homography. A real head that turns or nods shows
// parallax: the nose tip, a few centimetres in front of the eyes and the face outline, moves against
// them in a way no homography of the outline explains.
//
// For each face frame against the reference (the first face frame):
//   tilt     = RMS residual of the best similarity (rotation, scale, shift) on the "rigid" points
//              (upper face outline, brows, eye corners, nose bridge), in eye distances: how far the
//              view changed beyond moving/rolling/zooming (a tilted photo is foreshortened, a turned
//              head too). Eyelids and the jaw are left out, so blinking and speaking do not count.
//   parallax = mean distance between the nose tip/base points and where the homography fitted on the
//              rigid points puts them, in eye distances. ~landmark noise for a plane; for a real head
//              ~ nose depth x sin(angle), e.g. ~0.1 at 12 degrees.
#include <vector>

#include "shiming/face/landmarks.h"

namespace shiming::liveness {

struct PlanarMotion {
  int frames = 0;              // frames compared with the reference
  int tilt_frames = 0;         // frames whose tilt exceeds the threshold
  double tilt_max = 0;         // largest tilt
  double parallax_median = 0;  // median parallax over the tilt frames (0 when none)
  double parallax_max = 0;     // largest parallax over all frames
  // parallax / tilt over the tilt frames, median: ~0 for a plane, ~1 or more for a head.
  double parallax_per_tilt = 0;
};

PlanarMotion planar_motion(const std::vector<const face::FaceLandmarks*>& faces, double tilt_threshold);

}  // namespace shiming::liveness
