#include "outbox_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace shiming::notifiers {

std::string mask_email(const std::string& email) {
  auto at = email.find('@');
  if (at == std::string::npos) return std::string(email.size(), '*');
  return email.substr(0, at > 0 ? 1 : 0) + "***" + email.substr(at);
}

sdk::ConfigSchema OutboxFileNotifier::config_schema() {
  using sdk::FieldType;
  return {{
      {.name = "path", .type = FieldType::string, .default_value = "notifications/outbox.jsonl",
       .doc = "The JSONL file; a relative path lies under the host's data directory."},
      {.name = "include_contact", .type = FieldType::boolean, .default_value = false,
       .doc = "Write the clear phone number and e-mail (for a gateway reading the file); "
              "masked otherwise."},
      {.name = "fsync", .type = FieldType::boolean, .default_value = true,
       .doc = "fsync after every line (a line reported written survives a power loss)."},
  }};
}

OutboxFileNotifier::OutboxFileNotifier(const sdk::PluginInit& init) {
  std::string configured = init.config.value("path", "notifications/outbox.jsonl");
  if (configured.empty()) throw std::runtime_error("outbox_file: path is empty");
  std::filesystem::path p = std::filesystem::absolute(sdk::in_data_dir(init.host.data_dir(), configured));
  path_ = p.string();
  include_contact_ = init.config.value("include_contact", false);
  fsync_ = init.config.value("fsync", true);
  std::error_code ec;
  std::filesystem::create_directories(p.parent_path(), ec);
  if (ec) throw std::runtime_error("outbox_file: cannot create " + p.parent_path().string() + ": " + ec.message());
}

nlohmann::json OutboxFileNotifier::line(const sdk::Notification& n) const {
  return {{"id", n.id},
          {"event", n.event},
          {"case_id", n.case_id},
          {"province", n.province},
          {"exam_session", n.exam_session},
          {"status", n.status},
          {"candidate", n.candidate_name_masked},
          {"phone", include_contact_ ? n.phone : sdk::mask_phone(n.phone)},
          {"email", include_contact_ ? n.email : (n.email.empty() ? std::string() : mask_email(n.email))},
          {"subject_zh", n.subject_zh},
          {"body_zh", n.body_zh},
          {"subject_en", n.subject_en},
          {"body_en", n.body_en},
          {"created_at", n.created_at},
          {"attempt", n.attempt},
          {"data", n.data}};
}

sdk::NotifyResult OutboxFileNotifier::run(const sdk::Notification& n) {
  std::string text = line(n).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard lock(mu_);
  int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return sdk::NotifyResult::retry("OUTBOX_FILE_UNAVAILABLE", std::strerror(errno));
  // One write() of the whole line with O_APPEND: lines of concurrent writers never interleave.
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t w = ::write(fd, text.data() + done, text.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      int err = errno;
      ::close(fd);
      return sdk::NotifyResult::retry("OUTBOX_FILE_WRITE_FAILED", std::strerror(err));
    }
    done += static_cast<std::size_t>(w);
  }
  if (fsync_ && ::fsync(fd) != 0) {
    int err = errno;
    ::close(fd);
    return sdk::NotifyResult::retry("OUTBOX_FILE_WRITE_FAILED", std::strerror(err));
  }
  ::close(fd);
  return sdk::NotifyResult::sent();
}

}  // namespace shiming::notifiers
