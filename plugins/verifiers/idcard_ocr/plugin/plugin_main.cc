// Exports the idcard_ocr verifier (Boost.DLL aliases of SHIMING_PLUGIN).
#include "idcard_ocr_verifier.h"

SHIMING_PLUGIN("verifier", "idcard_ocr", "1.0.0",
               "Reads both sides of a second-generation resident ID card from phone photos (OpenCV + "
               "Tesseract) and cross-checks number, birth, sex, name and validity",
               shiming::idcard_ocr::IdCardOcrVerifier)
