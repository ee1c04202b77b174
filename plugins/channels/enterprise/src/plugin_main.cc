// Exports the enterprise channel (Boost.DLL aliases of SHIMING_PLUGIN).
#include "enterprise_channel.h"

SHIMING_PLUGIN("channel", "enterprise", "1.0.0",
               "Collective verification by an employer: qualification register, roster import job, "
               "employee links for face checks, batch submission and batch review",
               shiming::enterprise::EnterpriseChannel)
