// Exports the bank channel (Boost.DLL aliases of SHIMING_PLUGIN).
#include "bank_channel.h"

SHIMING_PLUGIN("channel", "bank", "1.0.0",
               "Partner bank branches as agents: signed submissions (HMAC-SHA256 / Ed25519, mutual TLS), "
               "the province's bank pipeline, signed status webhooks with persisted retries",
               shiming::bank::BankChannel)
