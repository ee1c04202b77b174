#include "storage/sql_util.h"

#include <cstdlib>
#include <string_view>

namespace shiming::storage::sql {

std::string text(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) == soci::i_null) return {};
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_string: return r.get<std::string>(i);
    case soci::dt_integer: return std::to_string(r.get<int>(i));
    case soci::dt_long_long: return std::to_string(r.get<long long>(i));
    case soci::dt_unsigned_long_long: return std::to_string(r.get<unsigned long long>(i));
    case soci::dt_double: return std::to_string(r.get<double>(i));
    default: return r.get<std::string>(i);
  }
}

std::optional<std::string> opt_text(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) == soci::i_null) return std::nullopt;
  return text(r, i);
}

std::int64_t integer(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) == soci::i_null) return 0;
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_integer: return r.get<int>(i);
    case soci::dt_long_long: return r.get<long long>(i);
    case soci::dt_unsigned_long_long: return static_cast<std::int64_t>(r.get<unsigned long long>(i));
    case soci::dt_double: return static_cast<std::int64_t>(r.get<double>(i));
    case soci::dt_string: return std::strtoll(r.get<std::string>(i).c_str(), nullptr, 10);
    default: return 0;
  }
}

double real(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) == soci::i_null) return 0.0;
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_double: return r.get<double>(i);
    case soci::dt_integer: return r.get<int>(i);
    case soci::dt_long_long: return static_cast<double>(r.get<long long>(i));
    case soci::dt_unsigned_long_long: return static_cast<double>(r.get<unsigned long long>(i));
    case soci::dt_string: return std::strtod(r.get<std::string>(i).c_str(), nullptr);
    default: return 0.0;
  }
}

TimePoint time(const soci::row& r, std::size_t i) {
  auto t = parse_time(text(r, i));
  return t ? *t : TimePoint{};
}

std::optional<TimePoint> opt_time(const soci::row& r, std::size_t i) {
  auto s = opt_text(r, i);
  if (!s || s->empty()) return std::nullopt;
  return parse_time(*s);
}

long long execute_count(soci::statement& st) {
  st.execute(true);
  return st.get_affected_rows();
}

bool is_duplicate_key(const std::exception& e) {
  std::string_view m = e.what();
  return m.find("UNIQUE constraint failed") != std::string_view::npos ||   // SQLite
         m.find("Duplicate entry") != std::string_view::npos ||            // MariaDB 1062
         m.find("PRIMARY KEY constraint failed") != std::string_view::npos;
}

}  // namespace shiming::storage::sql

namespace shiming::storage::sql {
bool is_foreign_key_violation(const std::exception& e) {
  std::string_view m = e.what();
  return m.find("FOREIGN KEY constraint failed") != std::string_view::npos ||  // SQLite
         m.find("foreign key constraint fails") != std::string_view::npos;     // MariaDB 1452
}

std::string values_rows(std::size_t rows, std::size_t cols, Dialect d) {
  std::string out;
  out.reserve(rows * cols * (d == Dialect::sqlite ? 3 : 7));
  for (std::size_t r = 0, k = 0; r < rows; ++r) {
    out += r ? ", (" : "(";
    for (std::size_t c = 0; c < cols; ++c, ++k) {
      if (c) out += ", ";
      out += d == Dialect::sqlite ? "?" : ":p" + std::to_string(k);
    }
    out += ")";
  }
  return out;
}

// An IN list is one row of n values.
std::string in_list(std::size_t n, Dialect d) { return values_rows(1, n, d); }

}  // namespace shiming::storage::sql
