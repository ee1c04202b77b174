#include "shiming/mrz/mrz.h"

namespace shiming::mrz {

nlohmann::json to_json(const ParsedMrz& p) {
  using nlohmann::json;
  const Fields& f = p.fields;
  auto or_null = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
  json fields = {{"document_code", f.document_code},
                 {"issuing_state", f.issuing_state},
                 {"document_number", f.document_number},
                 {"surname", f.surname},
                 {"given_names", f.given_names},
                 {"nationality", f.nationality},
                 {"birth", or_null(f.birth)},
                 {"expiry", or_null(f.expiry)},
                 {"sex", or_null(f.sex)},
                 {"optional_data", f.optional_data}};
  if (p.format == Format::td1) fields["optional_data_2"] = f.optional_data_2;
  json checks = json::array();
  for (const auto& c : p.checks)
    checks.push_back({{"field", c.name},
                      {"found", std::string(1, c.found)},
                      {"expected", std::string(1, c.expected)},
                      {"ok", c.ok}});
  json corrections = json::array();
  for (const auto& c : p.corrections)
    corrections.push_back({{"line", c.line},
                           {"column", c.column},
                           {"from", std::string(1, c.from)},
                           {"to", std::string(1, c.to)},
                           {"field", c.field},
                           {"kind", c.kind}});
  return {{"format", to_string(p.format)},
          {"mrz", p.lines_read},
          {"mrz_corrected", p.lines},
          {"valid", p.valid},
          {"fields", fields},
          {"checks", checks},
          {"corrections", corrections},
          {"problems", p.problems}};
}

}  // namespace shiming::mrz
