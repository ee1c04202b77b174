#include "storage/database_url.h"

#include <cctype>

namespace shiming::storage {
namespace {

sdk::Error bad(const std::string& why) {
  return sdk::make_error("BAD_DATABASE_URL",
                         "bad database URL: " + why +
                             " (expected sqlite:PATH or mysql://user:password@host:port/db[?socket=/path])",
                         "数据库地址无效：" + why + "（应为 sqlite:路径 或 mysql://用户:密码@主机:端口/库名）",
                         "database");
}

std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(s[i + 2])))
      return std::nullopt;
    out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
    i += 2;
  }
  return out;
}

// A value for SOCI's "key=value" connection strings: single-quoted, with
// backslash escapes for quote and backslash.
std::string quote(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

bool plain_name(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '$') return false;
  return true;
}

}  // namespace

sdk::Result<ParsedDatabaseUrl> parse_database_url(const std::string& url) {
  ParsedDatabaseUrl p;
  if (url.rfind("sqlite:", 0) == 0) {
    std::string path = url.substr(7);
    if (path.rfind("//", 0) == 0) path = path.substr(2);  // sqlite://relative or sqlite:///absolute
    if (path.empty()) return bad("the SQLite path is empty");
    if (path == ":memory:") return bad("in-memory SQLite cannot be shared by a connection pool");
    if (path.find('\0') != std::string::npos || path.find('"') != std::string::npos)
      return bad("the SQLite path contains a double quote or NUL");
    p.dialect = Dialect::sqlite;
    p.sqlite_path = path;
    // SOCI's SQLite backend takes double quotes around a value with spaces.
    p.connect_string = (path.find(' ') == std::string::npos ? "db=" + path : "db=\"" + path + "\"") + " timeout=30";
    p.display = "sqlite:" + path;
    return p;
  }
  if (url.rfind("mysql://", 0) != 0 && url.rfind("mariadb://", 0) != 0)
    return bad("unknown scheme in '" + url.substr(0, url.find(':')) + "'");
  std::string rest = url.substr(url.find("://") + 3);
  std::string query;
  if (auto q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  auto at = rest.rfind('@');
  if (at == std::string::npos) return bad("missing user@ before the host");
  std::string userinfo = rest.substr(0, at);
  std::string hostpart = rest.substr(at + 1);
  std::string user_raw = userinfo, pass_raw;
  if (auto c = userinfo.find(':'); c != std::string::npos) {
    user_raw = userinfo.substr(0, c);
    pass_raw = userinfo.substr(c + 1);
  }
  auto user = percent_decode(user_raw);
  auto pass = percent_decode(pass_raw);
  if (!user || !pass) return bad("bad percent-encoding in user or password");
  if (user->empty()) return bad("the user is empty");
  auto slash = hostpart.find('/');
  if (slash == std::string::npos) return bad("missing /database after the host");
  std::string hostport = hostpart.substr(0, slash);
  std::string db = hostpart.substr(slash + 1);
  if (!plain_name(db)) return bad("the database name must be letters, digits, _ - $");
  std::string host = hostport, port;
  if (!hostport.empty() && hostport[0] == '[') {
    auto close = hostport.find(']');
    if (close == std::string::npos) return bad("unclosed [ in the host");
    host = hostport.substr(1, close - 1);
    if (close + 1 < hostport.size()) {
      if (hostport[close + 1] != ':') return bad("garbage after ]");
      port = hostport.substr(close + 2);
    }
  } else if (auto c = hostport.rfind(':'); c != std::string::npos) {
    host = hostport.substr(0, c);
    port = hostport.substr(c + 1);
  }
  if (!port.empty()) {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) == 0 ||
        std::stoi(port) > 65535)
      return bad("the port must be 1..65535");
  }
  std::string socket;
  if (!query.empty()) {
    std::size_t start = 0;
    while (start <= query.size()) {
      auto amp = query.find('&', start);
      std::string kv = query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
      auto eq = kv.find('=');
      std::string k = kv.substr(0, eq);
      auto v = percent_decode(eq == std::string::npos ? "" : kv.substr(eq + 1));
      if (!v) return bad("bad percent-encoding in the query");
      if (k == "socket") socket = *v;
      else return bad("unknown parameter '" + k + "' (only socket= is known)");
      if (amp == std::string::npos) break;
      start = amp + 1;
    }
  }
  if (host.empty() && socket.empty()) return bad("the host is empty");
  p.dialect = Dialect::mysql;
  std::string cs = "db=" + db + " user=" + quote(*user) + " password=" + quote(*pass) + " charset=utf8mb4";
  if (!socket.empty()) cs += " unix_socket=" + quote(socket);
  else {
    cs += " host=" + quote(host);
    if (!port.empty()) cs += " port=" + port;
  }
  p.connect_string = cs;
  p.display = "mysql://" + *user + ":***@" + hostport + "/" + db + (socket.empty() ? "" : "?socket=" + socket);
  return p;
}

}  // namespace shiming::storage
