#pragma once
// `shimingctl rules check FILE|DIR... [--plugins DIR] [--json]`
//  - DIR: the whole rules directory (defaults.yaml + provinces), as the host loads it;
//  - a province file: that file merged over the defaults.yaml beside it;
//  - defaults.yaml: every province of its directory (they all depend on it).
// Prints "OK <file>: <province codes>" or the diagnostics (file:line:column:
// message) on `out`; usage errors on `err`. --json prints one JSON object:
// {"ok":bool,"files":[{"path","ok","provinces":[...]}],"provinces":[...],
//  "diagnostics":[{"file","line","column","path","message"}]}.
// Exit code: 0 valid, 1 diagnostics, 2 usage error.
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "rules/rules_loader.h"

namespace shiming::rules {

// Builds the plugin lookup for `--plugins DIR` ("" when the flag is absent:
// the caller picks its default, e.g. host.yaml's plugin_dir).
using PluginLookupFactory = std::function<PluginLookup(const std::string& plugin_dir)>;

// `args` are the words after "rules check".
int run_rules_check(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                    const PluginLookupFactory& make_lookup);
// The same with a fixed lookup (--plugins is then accepted and ignored).
int run_rules_check(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                    const PluginLookup& plugins);

}  // namespace shiming::rules
