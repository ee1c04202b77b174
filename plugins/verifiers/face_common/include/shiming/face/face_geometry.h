#pragma once
// Measurements derived from 68 landmarks.
#include <opencv2/core.hpp>

#include "shiming/face/landmarks.h"

namespace shiming::face {

// Eye aspect ratio (Soukupova & Cech 2016), the mean of both eyes:
// ~0.25-0.35 open, < 0.15 closed.
double eye_aspect_ratio(const FaceLandmarks& lm);
double eye_aspect_ratio(const FaceLandmarks& lm, bool left);

// Where the nose tip (point 30) sits between the outer eye corners (36, 45), along the line through
// them: 0 at point 36, 1 at point 45, ~0.5 on a frontal face. A head turning so its nose moves to the
// image right raises it. A 2D measure of yaw that needs no 3D model: it keeps its direction where
// solvePnP on a few landmarks of a face already turned at rest misreads a further turn.
double nose_offset(const FaceLandmarks& lm);
// Inner-lip opening divided by mouth width: ~0 closed, > 0.35 wide open.
double mouth_opening(const FaceLandmarks& lm);

struct HeadPose {
  double yaw = 0;    // degrees, + = the person turns to their left (nose moves to the image right, unmirrored camera)
  double pitch = 0;  // degrees, + = chin up
  double roll = 0;   // degrees
  bool valid = false;
};

// solvePnP of six landmarks against a generic 3D face, pinhole camera with
// focal length = image width.
HeadPose estimate_head_pose(const FaceLandmarks& lm, cv::Size image_size);

}  // namespace shiming::face
