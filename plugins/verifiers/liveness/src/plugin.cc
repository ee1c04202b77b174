#include "liveness_verifier.h"

SHIMING_PLUGIN("verifier", "liveness", "1.0.0",
               "Challenge-response liveness on a short clip (blink, turns, nod, open mouth in order, "
               "same face throughout) with still-photo and screen-replay cues",
               shiming::liveness::LivenessVerifier)
