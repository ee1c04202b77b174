// Exports the id_number verifier (Boost.DLL aliases of SHIMING_PLUGIN).
#include "id_number_verifier.h"

SHIMING_PLUGIN("verifier", "id_number", "1.0.0",
               "Checks the declared resident ID number (GB 11643-1999: format, check character, "
               "birth date, age, GB/T 2260 region) and the declared sex",
               shiming::idnumber::IdNumberVerifier)
