#include "smtp_notifier.h"

#include <curl/curl.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "mime.h"

namespace shiming::notifiers {
namespace {

struct Upload {
  const std::string* data;
  std::size_t pos = 0;
};

std::size_t read_cb(char* buffer, std::size_t size, std::size_t items, void* user) {
  auto* u = static_cast<Upload*>(user);
  std::size_t room = size * items;
  std::size_t n = std::min(room, u->data->size() - u->pos);
  std::memcpy(buffer, u->data->data() + u->pos, n);
  u->pos += n;
  return n;
}

bool safe_address(const std::string& a) {
  if (a.empty() || a.size() > 254 || a.find('@') == std::string::npos) return false;
  for (unsigned char c : a)
    if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == ',' || c == ';' || c == '"') return false;
  return true;
}

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

sdk::ConfigSchema SmtpNotifier::config_schema() {
  using sdk::FieldType;
  return {{
      {.name = "url", .type = FieldType::string, .required = true,
       .doc = "smtp://host:587 (STARTTLS per `starttls`) or smtps://host:465 (implicit TLS)."},
      {.name = "from", .type = FieldType::string, .required = true, .doc = "Sender address."},
      {.name = "from_name", .type = FieldType::string, .default_value = "软考办实名认证",
       .doc = "Sender display name (UTF-8, RFC 2047 encoded)."},
      {.name = "username", .type = FieldType::string, .default_value = ""},
      {.name = "password", .type = FieldType::string, .default_value = ""},
      {.name = "starttls", .type = FieldType::string, .default_value = "required",
       .allowed = {"off", "try", "required"},
       .doc = "off: plain SMTP; try: upgrade when the server offers it; required: refuse to send "
              "without TLS."},
      {.name = "verify_peer", .type = FieldType::boolean, .default_value = true},
      {.name = "ca_file", .type = FieldType::string, .default_value = "",
       .doc = "CA bundle for the server certificate (empty: the system's)."},
      {.name = "timeout_seconds", .type = FieldType::integer, .default_value = 20, .min = 1, .max = 600},
      {.name = "subject_language", .type = FieldType::string, .default_value = "zh",
       .allowed = {"zh", "en"}},
  }};
}

SmtpNotifier::SmtpNotifier(const sdk::PluginInit& init) : clock_(init.host.clock()) {
  const auto& c = init.config;
  settings_.url = c.value("url", "");
  settings_.from = c.value("from", "");
  settings_.from_name = c.value("from_name", "");
  settings_.username = c.value("username", "");
  settings_.password = c.value("password", "");
  settings_.starttls = c.value("starttls", "required");
  settings_.verify_peer = c.value("verify_peer", true);
  settings_.ca_file = c.value("ca_file", "");
  settings_.timeout_seconds = c.value("timeout_seconds", 20);
  settings_.subject_language = c.value("subject_language", "zh");
  if (settings_.url.rfind("smtp://", 0) != 0 && settings_.url.rfind("smtps://", 0) != 0)
    throw std::runtime_error("smtp: url must start with smtp:// or smtps://");
  if (!safe_address(settings_.from)) throw std::runtime_error("smtp: 'from' is not a valid address");
  global_init();
}

std::string SmtpNotifier::message(const sdk::Notification& n, const std::string& to) const {
  smtp::MailParts m;
  m.from_address = settings_.from;
  m.from_name = settings_.from_name;
  m.to_address = to;
  m.subject = settings_.subject_language == "en" ? n.subject_en : n.subject_zh;
  m.body = n.body_zh + "\n----------------------------------------\n" + n.body_en;
  m.message_id = n.id + "@shiming";
  m.date = clock_.now();
  return smtp::build_message(m);
}

sdk::NotifyResult SmtpNotifier::run(const sdk::Notification& n) {
  if (n.email.empty()) return sdk::NotifyResult::skipped("NO_EMAIL", "the candidate gave no e-mail address");
  if (!safe_address(n.email)) return sdk::NotifyResult::failed("BAD_EMAIL", "the e-mail address is not usable");
  std::string body = message(n, n.email);

  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return sdk::NotifyResult::retry("SMTP_INIT_FAILED", "curl_easy_init failed");
  CURL* h = curl.get();
  std::string from = "<" + settings_.from + ">";
  std::string rcpt_text = "<" + n.email + ">";
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> rcpt(curl_slist_append(nullptr, rcpt_text.c_str()),
                                                                   curl_slist_free_all);
  Upload up{&body, 0};
  char err[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_URL, settings_.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
  curl_easy_setopt(h, CURLOPT_READDATA, &up);
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, static_cast<long>(settings_.timeout_seconds));
  curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(settings_.timeout_seconds));
  long ssl = settings_.starttls == "off" ? CURLUSESSL_NONE
             : settings_.starttls == "try" ? CURLUSESSL_TRY
                                           : CURLUSESSL_ALL;
  if (settings_.url.rfind("smtps://", 0) == 0) ssl = CURLUSESSL_ALL;
  curl_easy_setopt(h, CURLOPT_USE_SSL, ssl);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, settings_.verify_peer ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, settings_.verify_peer ? 2L : 0L);
  if (!settings_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, settings_.ca_file.c_str());
  if (!settings_.username.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, settings_.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, settings_.password.c_str());
  }
  CURLcode rc = curl_easy_perform(h);
  if (rc == CURLE_OK) return sdk::NotifyResult::sent();
  long reply = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply);
  std::string what = std::string(curl_easy_strerror(rc)) + (err[0] ? std::string(": ") + err : std::string()) +
                     (reply ? " (SMTP " + std::to_string(reply) + ")" : std::string());
  // 550-553: the mailbox does not exist or is not allowed; sending again will not help.
  if (reply >= 550 && reply <= 553) return sdk::NotifyResult::failed("SMTP_REJECTED", what);
  if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_COULDNT_RESOLVE_HOST)
    return sdk::NotifyResult::retry("SMTP_UNAVAILABLE", what);
  if (rc == CURLE_USE_SSL_FAILED) return sdk::NotifyResult::retry("SMTP_TLS_REQUIRED", what);
  if (rc == CURLE_LOGIN_DENIED) return sdk::NotifyResult::retry("SMTP_LOGIN_DENIED", what);
  return sdk::NotifyResult::retry("SMTP_FAILED", what);
}

}  // namespace shiming::notifiers
