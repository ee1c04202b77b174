#include "storage/evidence_repo.h"

#include <unistd.h>

#include <filesystem>

#include "common/log.h"
#include "common/random.h"
#include "crypto/digest.h"
#include "storage/evidence_files.h"
#include "storage/sql_util.h"

namespace shiming::storage {
namespace {

constexpr const char* kColumns =
    "id, case_id, kind, content_type, size_bytes, sha256, storage_ref, created_at, meta_enc";

bool valid_case_id(const std::string& id) {
  if (id.size() < 2 || id.size() > 64) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return false;
  return true;
}

bool valid_kind(const std::string& kind) {
  if (kind.empty() || kind.size() > 64 || !(kind[0] >= 'a' && kind[0] <= 'z')) return false;
  for (char c : kind)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  return true;
}

std::string blob_aad(const std::string& case_id, const std::string& kind) { return case_id + "/" + kind; }
std::string meta_aad(const std::string& case_id, const std::string& kind) { return case_id + "/" + kind + "/meta"; }

EvidenceMeta meta_from_row(const soci::row& r) {
  EvidenceMeta m;
  m.id = sql::text(r, 0);
  m.case_id = sql::text(r, 1);
  m.kind = sql::text(r, 2);
  m.content_type = sql::text(r, 3);
  m.size_bytes = sql::integer(r, 4);
  m.sha256 = sql::text(r, 5);
  m.storage_ref = sql::text(r, 6);
  m.created_at = sql::time(r, 7);
  return m;
}

}  // namespace

EvidenceRepo::EvidenceRepo(Database& db, const crypto::Keyring& keys, std::string evidence_dir)
    : db_(db), keys_(keys), dir_(std::move(evidence_dir)) {}

sdk::Status EvidenceRepo::put(const std::string& case_id, const std::string& kind, const std::string& content_type,
                              const std::vector<std::uint8_t>& bytes, const nlohmann::json& extra, TimePoint now) {
  if (!valid_case_id(case_id))
    return sdk::make_error("BAD_CASE_ID", "case id must be 2..64 letters, digits, _ or -", "案件编号格式无效", "case_id");
  if (!valid_kind(kind))
    return sdk::make_error("BAD_EVIDENCE_KIND", "evidence kind must be lower-case letters, digits and dashes",
                           "材料类型无效", "kind");
  if (content_type.empty() || content_type.size() > 128)
    return sdk::make_error("BAD_CONTENT_TYPE", "content type must be 1..128 characters", "文件类型无效",
                           "content_type");
  const std::string ref = case_id.substr(0, 2) + "/" + case_id + "/" + kind + "." + random_id().substr(0, 12) + ".enc";
  const std::string full = (std::filesystem::path(dir_) / ref).string();
  if (auto err = files::write_atomic(full, keys_.encrypt_bytes(bytes, blob_aad(case_id, kind))))
    return sdk::make_error("EVIDENCE_WRITE_FAILED", "cannot store the evidence file: " + *err, "材料文件保存失败");

  std::string old_ref;
  const std::string sha = crypto::sha256_hex(bytes);
  const long long size = static_cast<long long>(bytes.size());
  const std::string meta_enc = keys_.encrypt(extra.dump(), meta_aad(case_id, kind));
  const std::string created = sql::to_db(now);
  auto s = db_.session();
  sdk::Status st = db_.write_transaction(*s, [&](soci::session& tx) -> sdk::Status {
    old_ref.clear();
    soci::indicator ind = soci::i_null;
    tx << "SELECT storage_ref FROM evidence WHERE case_id = :c AND kind = :k", soci::use(case_id), soci::use(kind),
        soci::into(old_ref, ind);
    if (tx.got_data()) {
      tx << "UPDATE evidence SET content_type = :ct, size_bytes = :sz, sha256 = :sha, storage_ref = :ref, "
            "meta_enc = :meta, created_at = :t WHERE case_id = :c AND kind = :k",
          soci::use(content_type), soci::use(size), soci::use(sha), soci::use(ref), soci::use(meta_enc),
          soci::use(created), soci::use(case_id), soci::use(kind);
    } else {
      old_ref.clear();
      std::string id = random_id();
      tx << "INSERT INTO evidence (id, case_id, kind, content_type, size_bytes, sha256, storage_ref, meta_enc, "
            "created_at) VALUES (:id, :c, :k, :ct, :sz, :sha, :ref, :meta, :t)",
          soci::use(id), soci::use(case_id), soci::use(kind), soci::use(content_type), soci::use(size),
          soci::use(sha), soci::use(ref), soci::use(meta_enc), soci::use(created);
    }
    return sdk::Status::Ok();
  });
  if (!st) {
    ::unlink(full.c_str());
    if (st.error().message.find("FOREIGN KEY") != std::string::npos ||
        st.error().message.find("foreign key") != std::string::npos)
      return not_found("case", "案件");
    return st;
  }
  if (!old_ref.empty() && old_ref != ref) ::unlink((std::filesystem::path(dir_) / old_ref).c_str());
  return sdk::Status::Ok();
}

std::optional<StoredEvidence> EvidenceRepo::get(const std::string& case_id, const std::string& kind) {
  if (!valid_case_id(case_id) || !valid_kind(kind)) return std::nullopt;
  try {
    StoredEvidence out;
    std::string meta_enc;
    {
      auto s = db_.session();
      soci::row r;
      *s << "SELECT " << kColumns << " FROM evidence WHERE case_id = :c AND kind = :k", soci::use(case_id),
          soci::use(kind), soci::into(r);
      if (!s->got_data()) return std::nullopt;
      out.meta = meta_from_row(r);
      meta_enc = sql::text(r, 8);
    }
    auto blob = files::read_all((std::filesystem::path(dir_) / out.meta.storage_ref).string());
    if (!blob) {
      log_event(spdlog::level::err, "evidence file missing", {{"case_id", case_id}, {"kind", kind}});
      return std::nullopt;
    }
    auto plain = keys_.decrypt_bytes(*blob, blob_aad(case_id, kind));
    if (!plain || crypto::sha256_hex(*plain) != out.meta.sha256) {
      log_event(spdlog::level::err, "evidence file fails authentication",
                {{"case_id", case_id}, {"kind", kind}, {"error", plain ? "SHA256_MISMATCH" : plain.error().code}});
      return std::nullopt;
    }
    out.data = std::move(*plain);
    if (!meta_enc.empty()) {
      auto m = keys_.decrypt(meta_enc, meta_aad(case_id, kind));
      if (m) {
        auto j = nlohmann::json::parse(*m, nullptr, false);
        if (!j.is_discarded()) out.extra = std::move(j);
      }
    }
    return out;
  } catch (const std::exception& e) {
    log_event(spdlog::level::err, "evidence read failed", {{"error", e.what()}});
    return std::nullopt;
  }
}

std::vector<EvidenceMeta> EvidenceRepo::list(const std::string& case_id) {
  std::vector<EvidenceMeta> out;
  try {
    auto s = db_.session();
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT " << kColumns << " FROM evidence WHERE case_id = :c ORDER BY kind", soci::use(case_id));
    for (const auto& r : rows) out.push_back(meta_from_row(r));
  } catch (const std::exception& e) {
    log_event(spdlog::level::err, "evidence list failed", {{"error", e.what()}});
  }
  return out;
}

sdk::Status EvidenceRepo::remove(const std::string& case_id, const std::string& kind) {
  if (!valid_case_id(case_id) || !valid_kind(kind)) return sdk::Status::Ok();
  std::string ref;
  auto s = db_.session();
  sdk::Status st = db_.write_transaction(*s, [&](soci::session& tx) -> sdk::Status {
    ref.clear();
    soci::indicator ind = soci::i_null;
    tx << "SELECT storage_ref FROM evidence WHERE case_id = :c AND kind = :k", soci::use(case_id), soci::use(kind),
        soci::into(ref, ind);
    if (!tx.got_data()) return sdk::Status::Ok();
    tx << "DELETE FROM evidence WHERE case_id = :c AND kind = :k", soci::use(case_id), soci::use(kind);
    return sdk::Status::Ok();
  });
  if (!st) return st;
  if (!ref.empty()) {
    auto path = std::filesystem::path(dir_) / ref;
    std::error_code ec;
    std::filesystem::remove(path, ec);
    if (ec) return sdk::make_error("EVIDENCE_DELETE_FAILED", "cannot delete the evidence file: " + ec.message(),
                                   "材料文件删除失败");
    std::filesystem::remove(path.parent_path(), ec);  // only when empty
  }
  return sdk::Status::Ok();
}

std::vector<EvidenceMeta> EvidenceRepo::due_for_retention(const std::vector<std::string>& kinds,
                                                         TimePoint decided_before, int limit) {
  std::vector<EvidenceMeta> out;
  if (kinds.empty() || limit <= 0) return out;
  try {
    auto s = db_.session();
    std::string before = sql::to_db(decided_before);
    // Kinds are validated names, bound one by one (no SQL text from input).
    std::string in;
    for (std::size_t i = 0; i < kinds.size(); ++i) in += (i ? ", :k" : ":k") + std::to_string(i);
    soci::statement st = (s->prepare << "SELECT e.id, e.case_id, e.kind, e.content_type, e.size_bytes, e.sha256, "
                                        "e.storage_ref, e.created_at FROM evidence e JOIN cases c ON c.id = e.case_id "
                                        "WHERE c.decided_at IS NOT NULL AND c.decided_at <= :before AND e.kind IN ("
                                     << in << ") ORDER BY c.decided_at, e.case_id, e.kind LIMIT :lim");
    soci::row r;
    st.exchange(soci::use(before));
    for (const auto& k : kinds) st.exchange(soci::use(k));
    st.exchange(soci::use(limit));
    st.exchange(soci::into(r));
    st.define_and_bind();
    st.execute(false);
    while (st.fetch()) out.push_back(meta_from_row(r));
  } catch (const std::exception& e) {
    log_event(spdlog::level::err, "retention query failed", {{"error", e.what()}});
  }
  return out;
}

}  // namespace shiming::storage
