#include "face_quality_verifier.h"

SHIMING_PLUGIN("verifier", "face_quality", "1.0.0",
               "Face photo quality: one face, size, position, sharpness, exposure, backlight, "
               "background, eyes open, sunglasses or mask, frontal head",
               shiming::face_quality::FaceQualityVerifier)
