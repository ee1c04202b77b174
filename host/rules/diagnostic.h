#pragma once
// One problem found in a configuration file, located as file:line:column
// (1-based, as editors show them).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "shiming/sdk/result.h"

namespace shiming::rules {

struct Location {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
};

struct Diagnostic {
  Location where;
  std::string message;  // English, one line
  std::string path;     // dotted path in the document, e.g. channels.online.pipeline[0].verifier

  // "file:line:column: message" (or "file: message" when the position is unknown).
  std::string to_string() const;
  // {"file","line","column","path","message"}
  nlohmann::json to_json() const;
};

// One diagnostic per line.
std::string format_diagnostics(const std::vector<Diagnostic>& diagnostics);

// An sdk::Error that carries the diagnostics in its message (English) and a
// zh-CN summary; `code` is e.g. RULES_INVALID or HOST_CONFIG_INVALID.
sdk::Error diagnostics_error(const std::string& code, const std::string& what_en,
                             const std::string& what_zh,
                             const std::vector<Diagnostic>& diagnostics);

}  // namespace shiming::rules
