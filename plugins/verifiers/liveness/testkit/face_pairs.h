#pragma once
// The pair set for face comparison: every face found in astronaut.png and
// face-api's demo/sample1-6.jpg is one identity; genuine pairs compare a face
// with edits of its own photo (crop, scale, light, blur, JPEG, rotation),
// impostor pairs compare different faces.
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "shiming/face/face_models.h"

namespace shiming::face::testkit {

struct IdentityPhoto {
  std::string identity;  // e.g. "sample3#1"
  std::string variant;   // "original", "crop", "small", "dark", "bright", "blur", "jpeg30", "rotate"
  cv::Mat image;         // BGR
};

// The face crops (2.2x the detection box around each face) of every identity.
std::vector<IdentityPhoto> identity_originals(const FaceAnalyzer& analyzer);

// The edits of one original used for genuine pairs.
std::vector<IdentityPhoto> genuine_variants(const IdentityPhoto& original);

// An ID-card-like portrait of a face: small (about 100x125), flattened colour, JPEG quality 60.
cv::Mat id_card_portrait(const cv::Mat& face_crop);

}  // namespace shiming::face::testkit
