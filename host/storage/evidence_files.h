#pragma once
// Durable file writes for the evidence store.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shiming::storage::files {

// Writes `data` to `path` atomically: a 0600 temp file beside it, fsync,
// rename over `path`, fsync of the directory. Creates parent directories.
// Returns an English error message on failure.
std::optional<std::string> write_atomic(const std::string& path, const std::vector<std::uint8_t>& data);
std::optional<std::vector<std::uint8_t>> read_all(const std::string& path);

}  // namespace shiming::storage::files
