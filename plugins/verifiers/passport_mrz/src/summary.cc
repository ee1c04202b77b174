#include "summary.h"

namespace shiming::mrz {

void print_summary(const ParsedMrz& p, std::ostream& out) {
  const Fields& f = p.fields;
  out << "format:          " << to_string(p.format) << "\n";
  for (std::size_t i = 0; i < p.lines.size(); ++i) out << "line " << i + 1 << ":          " << p.lines[i] << "\n";
  out << "valid:           " << (p.valid ? "yes" : "NO") << "\n"
      << "document:        " << f.document_code << " " << f.document_number << " (" << f.issuing_state << ")\n"
      << "surname:         " << f.surname << "\n"
      << "given names:     " << f.given_names << "\n"
      << "nationality:     " << f.nationality << "\n"
      << "birth:           " << (f.birth.empty() ? f.birth_raw : f.birth) << "\n"
      << "expiry:          " << (f.expiry.empty() ? f.expiry_raw : f.expiry) << "\n"
      << "sex:             " << f.sex << "\n";
  for (const auto& c : p.checks)
    out << "check " << c.name << ": " << c.found << (c.ok ? " ok" : " FAIL (expected ") << (c.ok ? "" : std::string(1, c.expected) + ")") << "\n";
  for (const auto& c : p.corrections)
    out << "corrected line " << c.line << " column " << c.column << ": " << c.from << " -> " << c.to << " (" << c.field << ", " << c.kind << ")\n";
  for (const auto& pr : p.problems) out << "problem: " << pr << "\n";
}

}  // namespace shiming::mrz
