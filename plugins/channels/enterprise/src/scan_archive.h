// The optional ZIP of ID scans uploaded with a roster (libzip). Opening checks every entry before
// anything is extracted: unsafe paths (`../`, absolute, backslashes) refuse the archive, and so do
// ZIP bombs (declared size per entry or in total above the limits, or a compression ratio above
// the limit). Reading an entry counts the bytes actually inflated, so a header that lies about
// the size is caught too. Scans are matched to roster rows by file name (the scan_file column).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "roster.h"

namespace shiming::enterprise {

struct ScanLimits {
  std::size_t max_entries = 60000;
  std::uint64_t max_entry_bytes = 8u * 1024u * 1024u;         // one scan
  std::uint64_t max_total_bytes = 2ull * 1024u * 1024u * 1024u;  // all scans, inflated
  double max_ratio = 50.0;                                      // inflated / compressed, per entry
};

class ScanArchive {
 public:
  // Opens and checks the archive at `path`. On refusal returns nullptr and sets `error` (code
  // ZIP_INVALID, ZIP_PATH_UNSAFE, ZIP_BOMB or ZIP_TOO_MANY_ENTRIES; field = the entry name).
  static std::unique_ptr<ScanArchive> open(const std::string& path, const ScanLimits& limits, RowIssue& error);
  ~ScanArchive();
  ScanArchive(const ScanArchive&) = delete;
  ScanArchive& operator=(const ScanArchive&) = delete;

  std::size_t size() const { return by_name_.size(); }
  bool has(const std::string& name) const { return by_name_.contains(name); }
  // The entry's bytes, at most max_entry_bytes actually inflated; nullopt (and `error`) when the
  // entry is missing, corrupt or inflates beyond the limit.
  std::optional<std::string> read(const std::string& name, RowIssue& error) const;

 private:
  ScanArchive() = default;
  void* zip_ = nullptr;  // zip_t*
  ScanLimits limits_;
  std::unordered_map<std::string, std::uint64_t> by_name_;  // file name -> entry index
};

// True when `name` is a safe relative entry name (no `..` component, not absolute, no backslash,
// no drive letter, no control characters).
bool safe_entry_name(std::string_view name);

}  // namespace shiming::enterprise
