#include "face_match_verifier.h"

SHIMING_PLUGIN("verifier", "face_match", "1.0.0",
               "1:1 comparison of the live face with the ID card portrait and the authority's photo "
               "(dlib ResNet face descriptor)",
               shiming::face_match::FaceMatchVerifier)
