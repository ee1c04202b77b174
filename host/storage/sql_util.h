#pragma once
// Internal helpers shared by the repositories: reading soci::row values the
// same way on both backends, time columns as ISO-8601 text, nullable binds.
#include <cstdint>
#include <optional>
#include <string>

#include <soci/soci.h>

#include "common/dates.h"
#include "shiming/sdk/result.h"
#include "storage/database.h"

namespace shiming::storage::sql {

// Column readers by position; NULL gives "" / 0 / nullopt.
std::string text(const soci::row& r, std::size_t i);
std::optional<std::string> opt_text(const soci::row& r, std::size_t i);
std::int64_t integer(const soci::row& r, std::size_t i);
double real(const soci::row& r, std::size_t i);
TimePoint time(const soci::row& r, std::size_t i);
std::optional<TimePoint> opt_time(const soci::row& r, std::size_t i);

// "2026-05-23T08:00:00Z" (seconds precision, UTC).
inline std::string to_db(TimePoint t) { return format_time(t); }

// A value to bind that may be NULL.
struct Nullable {
  std::string value;
  soci::indicator ind = soci::i_null;
};
inline Nullable nullable(const std::optional<TimePoint>& t) {
  return t ? Nullable{to_db(*t), soci::i_ok} : Nullable{};
}
inline Nullable nullable_text(const std::optional<std::string>& s) {
  return s ? Nullable{*s, soci::i_ok} : Nullable{};
}

// Executes a prepared statement and returns the number of rows it changed.
long long execute_count(soci::statement& st);

// True when the exception is a unique/primary key violation.
bool is_duplicate_key(const std::exception& e);

// Placeholders for statements over many rows in one round trip (values are still bound one by
// one with statement::exchange, never pasted into the SQL): "(:p0, :p1, ...)" for an IN list of
// n values, and "(:p0, :p1), (:p2, :p3), ..." for `rows` rows of `cols` values. On SQLite they are
// anonymous ("?"): its lookups of named parameters are linear, so thousands of names cost
// quadratic time per statement (measured: 80% of the host's CPU in a 500-row INSERT).
std::string in_list(std::size_t n, Dialect d);
std::string values_rows(std::size_t rows, std::size_t cols, Dialect d);
// Rows per multi-row statement: below SQLite's 32766 and MariaDB's 65535 bound values.
inline constexpr std::size_t kRowsPerStatement = 500;

}  // namespace shiming::storage::sql

namespace shiming::storage::sql {
// True when the exception is a foreign key violation (the parent row is missing).
bool is_foreign_key_violation(const std::exception& e);
}  // namespace shiming::storage::sql
