#pragma once
// Parsing of database URLs into SOCI connection strings.
#include <string>

#include "shiming/sdk/result.h"
#include "storage/database.h"

namespace shiming::storage {

struct ParsedDatabaseUrl {
  Dialect dialect = Dialect::sqlite;
  std::string sqlite_path;     // sqlite only
  std::string connect_string;  // for soci::session::open
  std::string display;         // password masked
};

// Error BAD_DATABASE_URL.
sdk::Result<ParsedDatabaseUrl> parse_database_url(const std::string& url);

}  // namespace shiming::storage
