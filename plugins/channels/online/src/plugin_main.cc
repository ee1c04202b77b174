// Exports the online channel (Boost.DLL aliases of SHIMING_PLUGIN).
#include "online_channel.h"

SHIMING_PLUGIN("channel", "online", "1.0.0",
               "The citizen's own online path: ID card photos, optional face photo and liveness "
               "video, submit",
               shiming::online::OnlineChannel)
