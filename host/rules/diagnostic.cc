#include "rules/diagnostic.h"

namespace shiming::rules {

std::string Diagnostic::to_string() const {
  std::string s = where.file;
  if (where.line > 0) {
    s += ':' + std::to_string(where.line) + ':' + std::to_string(where.column);
  }
  s += ": " + message;
  return s;
}

nlohmann::json Diagnostic::to_json() const {
  return {{"file", where.file}, {"line", where.line}, {"column", where.column},
          {"path", path},       {"message", message}};
}

std::string format_diagnostics(const std::vector<Diagnostic>& diagnostics) {
  std::string s;
  for (const auto& d : diagnostics) s += d.to_string() + '\n';
  return s;
}

sdk::Error diagnostics_error(const std::string& code, const std::string& what_en,
                             const std::string& what_zh,
                             const std::vector<Diagnostic>& diagnostics) {
  std::string en = what_en + " (" + std::to_string(diagnostics.size()) + " error" +
                   (diagnostics.size() == 1 ? "" : "s") + "):\n" + format_diagnostics(diagnostics);
  std::string zh = what_zh + "（共 " + std::to_string(diagnostics.size()) + " 处错误，详见英文说明）";
  return sdk::make_error(code, std::move(en), std::move(zh));
}

}  // namespace shiming::rules
