// Exports the outbox_file notifier (Boost.DLL aliases of SHIMING_PLUGIN).
#include "outbox_file.h"

SHIMING_PLUGIN("notifier", "outbox_file", "1.0.0",
               "Appends every notification as one JSON line to a local file",
               shiming::notifiers::OutboxFileNotifier)
