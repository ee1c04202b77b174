#include "crypto/keyring.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "common/dates.h"
#include "common/random.h"
#include "crypto/aes_gcm.h"
#include "crypto/digest.h"

namespace shiming::crypto {
namespace {

constexpr const char* kFormat = "shiming-keyring-v1";
constexpr char kBlobMagic[4] = {'S', 'M', 'K', '1'};

Keyring::Key random_key() {
  Keyring::Key k{};
  if (RAND_bytes(k.data(), static_cast<int>(k.size())) != 1) throw std::runtime_error("RAND_bytes failed");
  return k;
}

bool valid_key_id(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return false;
  return true;
}

sdk::Error keyring_error(std::string code, const std::string& path, const std::string& what,
                         const std::string& what_zh) {
  return sdk::make_error(std::move(code), "key file " + path + ": " + what, "密钥文件 " + path + "：" + what_zh);
}

std::string key_b64(const Keyring::Key& k) {
  return base64_encode(std::string_view(reinterpret_cast<const char*>(k.data()), k.size()));
}

std::optional<Keyring::Key> key_from_b64(const nlohmann::json& v) {
  if (!v.is_string()) return std::nullopt;
  auto raw = base64_decode(v.get<std::string>());
  if (!raw || raw->size() != 32) return std::nullopt;
  Keyring::Key k{};
  std::memcpy(k.data(), raw->data(), 32);
  OPENSSL_cleanse(raw->data(), raw->size());
  return k;
}

// Writes `content` to a fresh 0600 file beside `path` and fsyncs it; returns its name.
sdk::Result<std::string> write_temp(const std::string& path, const std::string& content) {
  std::string tmp = path + ".tmp-" + random_id();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return keyring_error("KEYRING_WRITE_FAILED", path, std::string("cannot create: ") + std::strerror(errno),
                         "无法创建");
  std::size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      ::unlink(tmp.c_str());
      return keyring_error("KEYRING_WRITE_FAILED", path, "write failed", "写入失败");
    }
    off += static_cast<std::size_t>(n);
  }
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) {
    ::unlink(tmp.c_str());
    return keyring_error("KEYRING_WRITE_FAILED", path, "fsync failed", "同步到磁盘失败");
  }
  return tmp;
}

void fsync_dir(const std::string& path) {
  auto dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

Keyring::~Keyring() {
  for (auto& [id, k] : data_keys_) OPENSSL_cleanse(k.data(), k.size());
  OPENSSL_cleanse(lookup_key_.data(), lookup_key_.size());
}

Keyring Keyring::generate() {
  Keyring r;
  r.data_keys_["k1"] = random_key();
  r.active_ = "k1";
  r.lookup_key_ = random_key();
  return r;
}

namespace {

std::string serialise(const std::map<std::string, Keyring::Key>& keys, const std::string& active,
                      const Keyring::Key& lookup) {
  nlohmann::json j;
  j["format"] = kFormat;
  j["active"] = active;
  j["data_keys"] = nlohmann::json::array();
  for (const auto& [id, k] : keys) j["data_keys"].push_back({{"id", id}, {"key", key_b64(k)}});
  j["lookup_key"] = key_b64(lookup);
  return j.dump(2) + "\n";
}

struct Parsed {
  std::map<std::string, Keyring::Key> keys;
  std::string active;
  Keyring::Key lookup{};
};

sdk::Result<Parsed> read_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return keyring_error("KEYRING_UNREADABLE", path, std::strerror(errno), "无法读取");
  if (!S_ISREG(st.st_mode))
    return keyring_error("KEYRING_UNREADABLE", path, "not a regular file", "不是普通文件");
  if (st.st_mode & 077)
    return keyring_error("KEYRING_INSECURE_PERMISSIONS", path,
                         "readable or writable by group or others; run chmod 600 on it",
                         "组用户或其他用户可以访问，请执行 chmod 600");
  std::ifstream in(path, std::ios::binary);
  if (!in) return keyring_error("KEYRING_UNREADABLE", path, "cannot open", "无法打开");
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, false);
  auto invalid = [&](const std::string& why, const std::string& why_zh) {
    return keyring_error("KEYRING_INVALID", path, why, why_zh);
  };
  if (j.is_discarded() || !j.is_object()) return invalid("not a JSON object", "不是 JSON 对象");
  if (j.value("format", "") != kFormat) return invalid(std::string("format is not ") + kFormat, "格式版本不对");
  Parsed p;
  if (!j.contains("data_keys") || !j["data_keys"].is_array() || j["data_keys"].empty())
    return invalid("data_keys must be a non-empty array", "data_keys 必须是非空数组");
  for (const auto& e : j["data_keys"]) {
    if (!e.is_object() || !e.contains("id") || !e["id"].is_string() || !valid_key_id(e["id"].get<std::string>()))
      return invalid("a data key has a missing or invalid id ([A-Za-z0-9_-]{1,32})", "数据密钥的 id 缺失或无效");
    auto k = key_from_b64(e.value("key", nlohmann::json()));
    if (!k) return invalid("data key " + e["id"].get<std::string>() + " is not 32 bytes of base64",
                           "数据密钥 " + e["id"].get<std::string>() + " 不是 32 字节的 base64");
    if (!p.keys.emplace(e["id"].get<std::string>(), *k).second)
      return invalid("duplicate key id " + e["id"].get<std::string>(), "密钥 id 重复");
  }
  p.active = j.value("active", "");
  if (!p.keys.count(p.active)) return invalid("active names no data key", "active 未指向任何数据密钥");
  auto lk = key_from_b64(j.value("lookup_key", nlohmann::json()));
  if (!lk) return invalid("lookup_key is not 32 bytes of base64", "lookup_key 不是 32 字节的 base64");
  p.lookup = *lk;
  return p;
}

}  // namespace

sdk::Result<Keyring> Keyring::load_or_create(const std::string& path) {
  try {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      auto parent = std::filesystem::path(path).parent_path();
      if (!parent.empty() && std::filesystem::create_directories(parent, ec))
        std::filesystem::permissions(parent, std::filesystem::perms::owner_all, ec);  // 0700
      Keyring fresh = generate();
      auto tmp = write_temp(path, serialise(fresh.data_keys_, fresh.active_, fresh.lookup_key_));
      if (!tmp) return tmp.error();
      // link() does not replace: when another process created the file first, use theirs.
      int rc = ::link(tmp->c_str(), path.c_str());
      int err = errno;
      ::unlink(tmp->c_str());
      if (rc != 0 && err != EEXIST)
        return keyring_error("KEYRING_WRITE_FAILED", path, std::string("cannot create: ") + std::strerror(err),
                             "无法创建");
      fsync_dir(path);
    }
    auto parsed = read_file(path);
    if (!parsed) return parsed.error();
    Keyring r;
    r.data_keys_ = std::move(parsed->keys);
    r.active_ = parsed->active;
    r.lookup_key_ = parsed->lookup;
    OPENSSL_cleanse(parsed->lookup.data(), parsed->lookup.size());
    return r;
  } catch (const std::exception& e) {
    return keyring_error("KEYRING_UNREADABLE", path, e.what(), "读取失败");
  }
}

sdk::Result<std::string> Keyring::rotate(const std::string& path) {
  try {
    auto parsed = read_file(path);
    if (!parsed) return parsed.error();
    int next = 1;
    for (const auto& [id, k] : parsed->keys)
      if (id.size() > 1 && id[0] == 'k' && id.find_first_not_of("0123456789", 1) == std::string::npos)
        next = std::max(next, std::stoi(id.substr(1)) + 1);
    std::string id = "k" + std::to_string(next);
    while (parsed->keys.count(id)) id += "_";
    parsed->keys[id] = random_key();
    auto tmp = write_temp(path, serialise(parsed->keys, id, parsed->lookup));
    for (auto& [kid, k] : parsed->keys) OPENSSL_cleanse(k.data(), k.size());
    if (!tmp) return tmp.error();
    if (::rename(tmp->c_str(), path.c_str()) != 0) {
      ::unlink(tmp->c_str());
      return keyring_error("KEYRING_WRITE_FAILED", path, "rename failed", "重命名失败");
    }
    fsync_dir(path);
    return id;
  } catch (const std::exception& e) {
    return keyring_error("KEYRING_WRITE_FAILED", path, e.what(), "轮换失败");
  }
}

std::vector<std::string> Keyring::key_ids() const {
  std::vector<std::string> ids;
  for (const auto& [id, k] : data_keys_) ids.push_back(id);
  return ids;
}

std::string Keyring::encrypt(std::string_view plaintext, std::string_view aad) const {
  const Key& key = data_keys_.at(active_);
  auto sealed = aes_gcm::seal(key, reinterpret_cast<const std::uint8_t*>(plaintext.data()), plaintext.size(), aad);
  return "v1." + active_ + "." + base64_encode(sealed);
}

namespace {
sdk::Error malformed() {
  return sdk::make_error("CIPHERTEXT_MALFORMED", "encrypted value is malformed", "加密数据格式错误");
}
sdk::Error unknown_key(const std::string& id) {
  return sdk::make_error("UNKNOWN_KEY_ID", "encrypted with unknown key id '" + id + "'",
                         "加密所用的密钥 '" + id + "' 不在密钥文件中");
}
sdk::Error failed() {
  return sdk::make_error("DECRYPTION_FAILED", "decryption failed: data altered or wrong context",
                         "解密失败：数据被篡改或上下文不符");
}
}  // namespace

sdk::Result<std::string> Keyring::decrypt(std::string_view token, std::string_view aad) const {
  if (token.substr(0, 3) != "v1.") return malformed();
  auto dot = token.find('.', 3);
  if (dot == std::string_view::npos) return malformed();
  std::string id(token.substr(3, dot - 3));
  auto it = data_keys_.find(id);
  if (it == data_keys_.end()) return unknown_key(id);
  auto raw = base64_decode(token.substr(dot + 1));
  if (!raw) return malformed();
  auto plain = aes_gcm::open(it->second, reinterpret_cast<const std::uint8_t*>(raw->data()), raw->size(), aad);
  if (!plain) return failed();
  std::string out(plain->begin(), plain->end());
  OPENSSL_cleanse(plain->data(), plain->size());
  return out;
}

std::vector<std::uint8_t> Keyring::encrypt_bytes(const std::vector<std::uint8_t>& plaintext,
                                                 std::string_view aad) const {
  const Key& key = data_keys_.at(active_);
  auto sealed = aes_gcm::seal(key, plaintext.data(), plaintext.size(), aad);
  std::vector<std::uint8_t> out;
  out.reserve(5 + active_.size() + sealed.size());
  out.insert(out.end(), kBlobMagic, kBlobMagic + 4);
  out.push_back(static_cast<std::uint8_t>(active_.size()));
  out.insert(out.end(), active_.begin(), active_.end());
  out.insert(out.end(), sealed.begin(), sealed.end());
  return out;
}

sdk::Result<std::vector<std::uint8_t>> Keyring::decrypt_bytes(const std::vector<std::uint8_t>& blob,
                                                              std::string_view aad) const {
  if (blob.size() < 5 || std::memcmp(blob.data(), kBlobMagic, 4) != 0) return malformed();
  std::size_t id_len = blob[4];
  if (blob.size() < 5 + id_len) return malformed();
  std::string id(blob.begin() + 5, blob.begin() + 5 + static_cast<std::ptrdiff_t>(id_len));
  auto it = data_keys_.find(id);
  if (it == data_keys_.end()) return unknown_key(id);
  auto plain = aes_gcm::open(it->second, blob.data() + 5 + id_len, blob.size() - 5 - id_len, aad);
  if (!plain) return failed();
  return std::move(*plain);
}

std::string Keyring::keyed_hash(std::string_view data) const {
  return hmac_sha256_hex(
      std::string_view(reinterpret_cast<const char*>(lookup_key_.data()), lookup_key_.size()), data);
}

}  // namespace shiming::crypto
