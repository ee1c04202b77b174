#pragma once
// Commits of this process on SQLite, counted for caches that want to know
// whether anything changed without asking the database.
//
// Every pooled SQLite connection that Database::open makes has a WAL hook
// that bumps one process-wide counter after each commit, once the commit is
// visible and the write lock released (all of the host's databases share the
// counter: a commit anywhere counts). A reader that notes the count, then
// reads, and later finds the same count knows that no commit of this process
// landed since its read. Commits of other processes on the same file are not
// counted: compare `PRAGMA data_version` for those. Nothing is counted for
// MariaDB, nor for an SQLite database that is not in WAL mode (`:memory:`).
#include <cstdint>

namespace shiming::storage {

std::uint64_t sqlite_commit_count();

}  // namespace shiming::storage
