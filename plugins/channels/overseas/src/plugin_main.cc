// Exports the overseas channel (Boost.DLL aliases of SHIMING_PLUGIN).
#include "overseas_channel.h"

SHIMING_PLUGIN("channel", "overseas", "1.0.0",
               "Candidates abroad: passport data page, embassy certification, domestic contact, video "
               "verification booking and the reviewer's record",
               shiming::overseas::OverseasChannel)
