// Exports the smtp notifier (Boost.DLL aliases of SHIMING_PLUGIN).
#include "smtp_notifier.h"

SHIMING_PLUGIN("notifier", "smtp", "1.0.0",
               "Sends notifications as e-mail through libcurl's SMTP client (STARTTLS, RFC 2047 subjects)",
               shiming::notifiers::SmtpNotifier)
