#include "storage/audit_log.h"

#include <algorithm>

#include "common/log.h"
#include "crypto/digest.h"
#include "storage/sql_util.h"

namespace shiming::storage {
namespace {

constexpr const char* kColumns =
    "seq, created_at, actor_role, actor_id, province, case_id, action, from_status, to_status, reason, prev_hash, "
    "hash";

AuditEntry from_row(const soci::row& r) {
  AuditEntry e;
  e.seq = sql::integer(r, 0);
  e.created_at = sql::time(r, 1);
  e.actor_role = sql::text(r, 2);
  e.actor_id = sql::text(r, 3);
  e.province = sql::text(r, 4);
  e.case_id = sql::text(r, 5);
  e.action = sql::text(r, 6);
  e.from_status = sql::text(r, 7);
  e.to_status = sql::text(r, 8);
  e.reason = sql::text(r, 9);
  e.prev_hash = sql::text(r, 10);
  e.hash = sql::text(r, 11);
  return e;
}

}  // namespace

std::string AuditLog::canonical(const AuditEntry& e) {
  nlohmann::json j = nlohmann::json::array({e.seq, sql::to_db(e.created_at), e.actor_role, e.actor_id, e.province,
                                            e.case_id, e.action, e.from_status, e.to_status, e.reason});
  // Invalid UTF-8 is replaced rather than thrown on, so any stored text hashes.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string AuditLog::chain_hash(const std::string& prev_hash, const AuditEntry& e) {
  return crypto::sha256_hex(prev_hash + "\n" + canonical(e));
}

sdk::Result<AuditEntry> AuditLog::append(const AuditEntry& entry) {
  std::vector<AuditEntry> one{entry};
  auto s = db_.session();
  sdk::Status st = db_.write_transaction(*s, [&](soci::session& tx) { return append_in(tx, one); });
  if (!st) return st.error();
  return one.front();
}

sdk::Status AuditLog::append_in(soci::session& tx, std::vector<AuditEntry>& entries) {
  if (entries.empty()) return sdk::Status::Ok();
  const bool mysql = db_.dialect() == Dialect::mysql;
  long long last_seq = 0;
  std::string last_hash;
  // The head row is the chain's lock: FOR UPDATE on MariaDB; on SQLite the
  // BEGIN IMMEDIATE already holds the database's write lock.
  tx << (mysql ? "SELECT last_seq, last_hash FROM audit_head WHERE id = 1 FOR UPDATE"
               : "SELECT last_seq, last_hash FROM audit_head WHERE id = 1"),
      soci::into(last_seq), soci::into(last_hash);
  if (!tx.got_data())
    return sdk::make_error("AUDIT_HEAD_MISSING", "the audit head row is missing (run migrations)", "审计日志未初始化");
  // One multi-row INSERT per 500 records (one round trip, not one per record).
  constexpr std::size_t kCols = 12;
  for (std::size_t start = 0; start < entries.size(); start += sql::kRowsPerStatement) {
    std::size_t n = std::min(sql::kRowsPerStatement, entries.size() - start);
    std::vector<long long> seqs;  // bound by reference: filled before binding, never resized after
    std::vector<std::string> v;
    seqs.reserve(n);
    v.reserve(n * (kCols - 1));
    for (std::size_t i = start; i < start + n; ++i) {
      auto& e = entries[i];
      e.created_at = std::chrono::time_point_cast<std::chrono::seconds>(e.created_at);
      e.seq = ++last_seq;
      e.prev_hash = last_hash;
      e.hash = chain_hash(e.prev_hash, e);
      last_hash = e.hash;
      seqs.push_back(e.seq);
      v.insert(v.end(), {sql::to_db(e.created_at), e.actor_role, e.actor_id, e.province, e.case_id, e.action,
                         e.from_status, e.to_status, e.reason, e.prev_hash, e.hash});
    }
    soci::statement ins = (tx.prepare << "INSERT INTO audit_log (" << kColumns << ") VALUES "
                                      << sql::values_rows(n, kCols, db_.dialect()));
    for (std::size_t k = 0; k < n; ++k) {
      ins.exchange(soci::use(seqs[k]));
      for (std::size_t j = 0; j < kCols - 1; ++j) ins.exchange(soci::use(v[k * (kCols - 1) + j]));
    }
    ins.define_and_bind();
    ins.execute(true);
  }
  tx << "UPDATE audit_head SET last_seq = :s, last_hash = :h WHERE id = 1", soci::use(last_seq), soci::use(last_hash);
  return sdk::Status::Ok();
}

std::vector<AuditEntry> AuditLog::list_for_case(const std::string& case_id) {
  std::vector<AuditEntry> out;
  try {
    auto s = db_.session();
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT " << kColumns << " FROM audit_log WHERE case_id = :c ORDER BY seq", soci::use(case_id));
    for (const auto& r : rows) out.push_back(from_row(r));
  } catch (const std::exception& e) {
    log_event(spdlog::level::err, "audit list failed", {{"error", e.what()}});
  }
  return out;
}

AuditVerifyResult AuditLog::verify() {
  AuditVerifyResult result;
  auto broken = [&](std::int64_t seq, std::string why) {
    result.ok = false;
    result.first_broken_seq = seq;
    result.problem = std::move(why);
  };
  try {
    auto s = db_.session();
    long long head_seq = 0;
    std::string head_hash;
    *s << "SELECT last_seq, last_hash FROM audit_head WHERE id = 1", soci::into(head_seq), soci::into(head_hash);
    std::int64_t expected_seq = 1;
    std::string prev;
    soci::rowset<soci::row> rows = (s->prepare << "SELECT " << kColumns << " FROM audit_log ORDER BY seq");
    for (const auto& r : rows) {
      AuditEntry e = from_row(r);
      if (e.seq != expected_seq) {
        broken(expected_seq, "record " + std::to_string(expected_seq) + " is missing (deleted)");
        return result;
      }
      if (e.prev_hash != prev) {
        broken(e.seq, "prev_hash does not match the previous record (reordered or rewritten)");
        return result;
      }
      if (chain_hash(prev, e) != e.hash) {
        broken(e.seq, "hash mismatch (record edited)");
        return result;
      }
      prev = e.hash;
      ++expected_seq;
      ++result.checked;
    }
    if (result.checked != head_seq || prev != head_hash) {
      broken(result.checked + 1, "the chain ends at " + std::to_string(result.checked) + " but the head says " +
                                     std::to_string(head_seq) + " (records deleted at the end)");
    }
  } catch (const std::exception& e) {
    result.ok = false;
    result.problem = std::string("database error: ") + e.what();
  }
  return result;
}

}  // namespace shiming::storage
