// The `authority` plugin's export block.
#include "authority_verifier.h"

SHIMING_PLUGIN("verifier", "authority", "1.0.0",
               "Comparison with the national identity authority (name, ID number, photo)",
               shiming::authority::AuthorityVerifier)
