#include "scan_archive.h"

#include <zip.h>

namespace shiming::enterprise {
namespace {
RowIssue issue(std::string field, std::string code) {
  auto [en, zh] = roster_message(code);
  return RowIssue{0, std::move(field), std::move(code), std::string(en), std::string(zh)};
}
}  // namespace

bool safe_entry_name(std::string_view name) {
  if (name.empty() || name.front() == '/' || name.find('\\') != std::string_view::npos) return false;
  if (name.size() >= 2 && name[1] == ':') return false;
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7F) return false;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    if (name.substr(start, end - start) == "..") return false;
    start = end + 1;
  }
  return true;
}

std::unique_ptr<ScanArchive> ScanArchive::open(const std::string& path, const ScanLimits& limits, RowIssue& error) {
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &err);
  if (!z) {
    error = issue("", "ZIP_INVALID");
    return nullptr;
  }
  std::unique_ptr<ScanArchive> a(new ScanArchive);
  a->zip_ = z;
  a->limits_ = limits;
  zip_int64_t n = zip_get_num_entries(z, 0);
  if (n < 0 || static_cast<std::uint64_t>(n) > limits.max_entries) {
    error = issue("", "ZIP_TOO_MANY_ENTRIES");
    return nullptr;
  }
  std::uint64_t total = 0;
  for (zip_int64_t i = 0; i < n; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(z, static_cast<zip_uint64_t>(i), 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME)) {
      error = issue("", "ZIP_INVALID");
      return nullptr;
    }
    std::string name = st.name;
    if (!safe_entry_name(name)) {
      error = issue(name, "ZIP_PATH_UNSAFE");
      return nullptr;
    }
    if (name.back() == '/') continue;  // directory
    std::uint64_t size = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
    std::uint64_t comp = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
    total += size;
    if (size > limits.max_entry_bytes || total > limits.max_total_bytes ||
        (size > 0 && static_cast<double>(size) > limits.max_ratio * static_cast<double>(comp > 0 ? comp : 1))) {
      error = issue(name, "ZIP_BOMB");
      return nullptr;
    }
    // matched by the file name without folders
    std::string base = name.substr(name.rfind('/') == std::string::npos ? 0 : name.rfind('/') + 1);
    a->by_name_.emplace(base, static_cast<std::uint64_t>(i));
  }
  return a;
}

ScanArchive::~ScanArchive() {
  if (zip_) zip_discard(static_cast<zip_t*>(zip_));
}

std::optional<std::string> ScanArchive::read(const std::string& name, RowIssue& error) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) {
    error = issue("scan_file", "ROSTER_SCAN_MISSING");
    return std::nullopt;
  }
  zip_file_t* f = zip_fopen_index(static_cast<zip_t*>(zip_), it->second, 0);
  if (!f) {
    error = issue(name, "ZIP_INVALID");
    return std::nullopt;
  }
  std::string out;
  char buf[65536];
  for (;;) {
    zip_int64_t got = zip_fread(f, buf, sizeof buf);
    if (got < 0) {
      zip_fclose(f);
      error = issue(name, "ZIP_INVALID");
      return std::nullopt;
    }
    if (got == 0) break;
    out.append(buf, static_cast<std::size_t>(got));
    if (out.size() > limits_.max_entry_bytes) {
      zip_fclose(f);
      error = issue(name, "ZIP_BOMB");
      return std::nullopt;
    }
  }
  zip_fclose(f);
  return out;
}

}  // namespace shiming::enterprise
