#include "storage/record_repo.h"

#include "common/log.h"
#include "storage/sql_util.h"

namespace shiming::storage {
namespace {

std::string aad(const std::string& collection, const std::string& key) {
  return "record/" + collection + "/" + key;
}

std::optional<nlohmann::json> decode(const crypto::Keyring& keys, const std::string& collection,
                                     const std::string& key, const std::string& enc) {
  auto plain = keys.decrypt(enc, aad(collection, key));
  if (!plain) {
    log_event(spdlog::level::err, "record not readable",
              {{"collection", collection}, {"error", plain.error().code}});
    return std::nullopt;
  }
  auto j = nlohmann::json::parse(*plain, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

}  // namespace

sdk::Status RecordRepo::put(const std::string& collection, const std::string& key, const nlohmann::json& value,
                            const std::string& index) {
  if (collection.empty() || collection.size() > 100)
    return sdk::make_error("BAD_RECORD_KEY", "collection must be 1..100 characters", "集合名称长度无效", "collection");
  if (key.empty() || key.size() > 200)
    return sdk::make_error("BAD_RECORD_KEY", "record key must be 1..200 characters", "记录键长度无效", "key");
  if (index.size() > 200)
    return sdk::make_error("BAD_RECORD_KEY", "record index must be at most 200 characters", "记录索引过长", "index");
  std::string enc;
  try {
    enc = keys_.encrypt(value.dump(), aad(collection, key));
  } catch (const nlohmann::json::exception& e) {
    return sdk::make_error("BAD_RECORD_VALUE", std::string("record value cannot be serialised: ") + e.what(),
                           "记录内容无法序列化", "value");
  }
  try {
    auto s = db_.session();
    std::string t = sql::to_db(std::chrono::system_clock::now());
    if (db_.dialect() == Dialect::mysql)
      *s << "INSERT INTO records (collection, record_key, idx, value_enc, updated_at) VALUES (:c, :k, :i, :v, :t) "
            "ON DUPLICATE KEY UPDATE idx = VALUES(idx), value_enc = VALUES(value_enc), updated_at = VALUES(updated_at)",
          soci::use(collection), soci::use(key), soci::use(index), soci::use(enc), soci::use(t);
    else
      *s << "INSERT INTO records (collection, record_key, idx, value_enc, updated_at) VALUES (:c, :k, :i, :v, :t) "
            "ON CONFLICT (collection, record_key) DO UPDATE SET idx = excluded.idx, value_enc = excluded.value_enc, "
            "updated_at = excluded.updated_at",
          soci::use(collection), soci::use(key), soci::use(index), soci::use(enc), soci::use(t);
    return sdk::Status::Ok();
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

std::optional<nlohmann::json> RecordRepo::get(const std::string& collection, const std::string& key) {
  try {
    auto s = db_.session();
    std::string enc;
    *s << "SELECT value_enc FROM records WHERE collection = :c AND record_key = :k", soci::use(collection),
        soci::use(key), soci::into(enc);
    if (!s->got_data()) return std::nullopt;
    return decode(keys_, collection, key, enc);
  } catch (const std::exception& e) {
    log_event(spdlog::level::err, "record read failed", {{"error", e.what()}});
    return std::nullopt;
  }
}

std::vector<std::pair<std::string, nlohmann::json>> RecordRepo::list(const std::string& collection,
                                                                     const std::string& index) {
  std::vector<std::pair<std::string, nlohmann::json>> out;
  try {
    auto s = db_.session();
    auto take = [&](soci::rowset<soci::row>& rows) {
      for (const auto& r : rows) {
        std::string key = sql::text(r, 0);
        if (auto v = decode(keys_, collection, key, sql::text(r, 1))) out.emplace_back(key, std::move(*v));
      }
    };
    if (index.empty()) {
      soci::rowset<soci::row> rows =
          (s->prepare << "SELECT record_key, value_enc FROM records WHERE collection = :c ORDER BY record_key",
           soci::use(collection));
      take(rows);
    } else {
      soci::rowset<soci::row> rows = (s->prepare << "SELECT record_key, value_enc FROM records "
                                                    "WHERE collection = :c AND idx = :i ORDER BY record_key",
                                      soci::use(collection), soci::use(index));
      take(rows);
    }
  } catch (const std::exception& e) {
    log_event(spdlog::level::err, "record list failed", {{"error", e.what()}});
  }
  return out;
}

sdk::Status RecordRepo::remove(const std::string& collection, const std::string& key) {
  try {
    auto s = db_.session();
    *s << "DELETE FROM records WHERE collection = :c AND record_key = :k", soci::use(collection), soci::use(key);
    return sdk::Status::Ok();
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

}  // namespace shiming::storage
