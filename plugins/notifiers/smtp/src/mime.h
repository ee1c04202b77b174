#pragma once
// The mail the smtp notifier sends: RFC 5322 headers with UTF-8 words encoded
// per RFC 2047 (B encoding), a text/plain UTF-8 body in base64 (RFC 2045),
// CRLF line ends. Pure functions, tested without a server.
#include <chrono>
#include <string>
#include <string_view>

namespace shiming::notifiers::smtp {

std::string base64(std::string_view bytes);

// "=?UTF-8?B?...?=" words of at most 75 characters, never splitting a UTF-8
// character, joined by CRLF + space (folded header). ASCII-only text without
// specials is returned unchanged.
std::string encode_header_word(std::string_view utf8);

// "Sun, 29 Nov 2026 00:50:00 +0000"
std::string rfc5322_date(std::chrono::system_clock::time_point t);

struct MailParts {
  std::string from_address;
  std::string from_name;   // may be UTF-8
  std::string to_address;
  std::string subject;     // UTF-8
  std::string body;        // UTF-8, '\n' line ends
  std::string message_id;  // without brackets, e.g. "ob-1@shiming"
  std::chrono::system_clock::time_point date;
};

std::string build_message(const MailParts& m);

}  // namespace shiming::notifiers::smtp
