// Exports the window channel (Boost.DLL aliases of SHIMING_PLUGIN).
#include "window_channel.h"

SHIMING_PLUGIN("channel", "window", "1.0.0",
               "Provincial office counter: offices and appointments, originals checked by a clerk, "
               "face and fingerprint capture, signed receipts",
               shiming::window::WindowChannel)
