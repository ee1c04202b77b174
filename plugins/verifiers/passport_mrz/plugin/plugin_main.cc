// Exports the passport_mrz verifier (Boost.DLL aliases of SHIMING_PLUGIN).
#include "passport_mrz_verifier.h"

SHIMING_PLUGIN("verifier", "passport_mrz", "1.0.0",
               "Passport machine-readable zone: check digits, expiry before the exam, match with the declaration",
               shiming::mrz::PassportMrzVerifier)
