#include "storage/case_repo.h"

#include <algorithm>
#include <stdexcept>
#include <tuple>

#include "common/log.h"
#include "storage/sql_util.h"

namespace shiming::storage {
namespace {

constexpr const char* kColumns =
    "id, candidate_id, province, channel, exam_session, status, citizen_token_hash, identity_enc, attempt, "
    "expedited, due_at, created_at, updated_at, submitted_at, decided_at, version";

std::string aad(const std::string& id) { return "case/" + id; }

nlohmann::json identity_to_json(const sdk::DeclaredIdentity& i) {
  return {{"name", i.name}, {"id_number", i.id_number}, {"sex", i.sex}, {"phone", i.phone}, {"extra", i.extra}};
}

sdk::DeclaredIdentity identity_from_json(const nlohmann::json& j) {
  sdk::DeclaredIdentity i;
  i.name = j.value("name", "");
  i.id_number = j.value("id_number", "");
  i.sex = j.value("sex", "");
  i.phone = j.value("phone", "");
  if (j.contains("extra") && j["extra"].is_object()) i.extra = j["extra"];
  return i;
}

sdk::Result<CaseRecord> from_row(const soci::row& r, const crypto::Keyring& keys) {
  CaseRecord c;
  c.id = sql::text(r, 0);
  c.candidate_id = sql::text(r, 1);
  c.province = sql::text(r, 2);
  c.channel = sql::text(r, 3);
  c.exam_session = sql::text(r, 4);
  c.status = sql::text(r, 5);
  c.citizen_token_hash = sql::text(r, 6);
  auto plain = keys.decrypt(sql::text(r, 7), aad(c.id));
  if (!plain) return plain.error();
  auto j = nlohmann::json::parse(*plain, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return sdk::make_error("CORRUPT_RECORD", "case identity is not a JSON object", "案件身份数据损坏");
  c.identity = identity_from_json(j);
  c.attempt = static_cast<int>(sql::integer(r, 8));
  c.expedited = sql::integer(r, 9) != 0;
  c.due_at = sql::opt_time(r, 10);
  c.created_at = sql::time(r, 11);
  c.updated_at = sql::time(r, 12);
  c.submitted_at = sql::opt_time(r, 13);
  c.decided_at = sql::opt_time(r, 14);
  c.version = sql::integer(r, 15);
  return c;
}

std::vector<CaseRecord> collect(soci::rowset<soci::row>& rows, const crypto::Keyring& keys) {
  std::vector<CaseRecord> out;
  for (const auto& r : rows) {
    auto c = from_row(r, keys);
    if (c) out.push_back(std::move(*c));
    else log_event(spdlog::level::err, "case not readable", {{"case_id", sql::text(r, 0)}, {"error", c.error().code}});
  }
  return out;
}

bool exists(soci::session& s, const std::string& id) {
  int n = 0;
  s << "SELECT COUNT(*) FROM cases WHERE id = :id", soci::use(id), soci::into(n);
  return n > 0;
}

}  // namespace

sdk::Status CaseRepo::insert(const CaseRecord& c) {
  try {
    auto s = db_.session();
    return insert(*s, c);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

sdk::Status CaseRepo::insert(soci::session& s, const CaseRecord& c) {
  if (c.id.empty() || c.candidate_id.empty())
    return sdk::make_error("BAD_CASE", "case id and candidate id are required", "案件编号和考生编号不能为空");
  try {
    std::string identity = keys_.encrypt(identity_to_json(c.identity).dump(), aad(c.id));
    int attempt = c.attempt, expedited = c.expedited ? 1 : 0;
    long long version = c.version;
    auto due = sql::nullable(c.due_at), submitted = sql::nullable(c.submitted_at),
         decided = sql::nullable(c.decided_at);
    std::string created = sql::to_db(c.created_at), updated = sql::to_db(c.updated_at);
    s << "INSERT INTO cases (" << kColumns
       << ") VALUES (:id, :cand, :prov, :chan, :sess, :st, :tok, :ident, :att, :exp, :due, :cr, :up, :sub, :dec, :ver)",
        soci::use(c.id), soci::use(c.candidate_id), soci::use(c.province), soci::use(c.channel),
        soci::use(c.exam_session), soci::use(c.status), soci::use(c.citizen_token_hash), soci::use(identity),
        soci::use(attempt), soci::use(expedited), soci::use(due.value, due.ind), soci::use(created),
        soci::use(updated), soci::use(submitted.value, submitted.ind), soci::use(decided.value, decided.ind),
        soci::use(version);
    return sdk::Status::Ok();
  } catch (const std::exception& e) {
    if (sql::is_duplicate_key(e))
      return sdk::make_error("CASE_EXISTS", "a case with this id already exists", "案件编号已存在");
    return database_error(e);
  }
}

sdk::Result<CaseRecord> CaseRepo::get(const std::string& id) {
  try {
    auto s = db_.session();
    soci::row r;
    *s << "SELECT " << kColumns << " FROM cases WHERE id = :id", soci::use(id), soci::into(r);
    if (!s->got_data()) return not_found("case", "案件");
    return from_row(r, keys_);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

sdk::Result<CaseRecord> CaseRepo::by_token_hash(const std::string& citizen_token_hash) {
  if (citizen_token_hash.empty()) return not_found("case", "案件");
  try {
    auto s = db_.session();
    soci::row r;
    *s << "SELECT " << kColumns << " FROM cases WHERE citizen_token_hash = :t", soci::use(citizen_token_hash),
        soci::into(r);
    if (!s->got_data()) return not_found("case", "案件");
    return from_row(r, keys_);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

sdk::Status CaseRepo::update_status(const std::string& id, const std::string& expected_from, const std::string& to,
                                    TimePoint updated_at, std::optional<std::int64_t> expected_version) {
  try {
    auto s = db_.session();
    std::string up = sql::to_db(updated_at);
    long long changed = 0;
    if (expected_version) {
      long long v = *expected_version;
      soci::statement st = (s->prepare << "UPDATE cases SET status = :to, version = version + 1, updated_at = :up "
                                          "WHERE id = :id AND status = :from AND version = :v",
                            soci::use(to), soci::use(up), soci::use(id), soci::use(expected_from), soci::use(v));
      changed = sql::execute_count(st);
    } else {
      soci::statement st = (s->prepare << "UPDATE cases SET status = :to, version = version + 1, updated_at = :up "
                                          "WHERE id = :id AND status = :from",
                            soci::use(to), soci::use(up), soci::use(id), soci::use(expected_from));
      changed = sql::execute_count(st);
    }
    if (changed == 1) return sdk::Status::Ok();
    if (!exists(*s, id)) return not_found("case", "案件");
    return sdk::make_error("CONFLICT", "the case changed meanwhile (expected status " + expected_from + ")",
                           "案件状态已被他人修改，请刷新后重试");
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

std::vector<CaseRecord> CaseRepo::list_by_status(const std::string& province, const std::string& status, int limit,
                                                 int offset) {
  try {
    auto s = db_.session();
    if (limit < 0) limit = 0;
    if (offset < 0) offset = 0;
    // Expedited first, then the earliest deadline (no deadline last), then oldest.
    const std::string order =
        " ORDER BY expedited DESC, CASE WHEN due_at IS NULL THEN 1 ELSE 0 END, due_at, created_at, id"
        " LIMIT :lim OFFSET :off";
    if (province.empty()) {
      soci::rowset<soci::row> rows = (s->prepare << "SELECT " << kColumns << " FROM cases WHERE status = :st" << order,
                                      soci::use(status), soci::use(limit), soci::use(offset));
      return collect(rows, keys_);
    }
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT " << kColumns << " FROM cases WHERE province = :p AND status = :st" << order,
         soci::use(province), soci::use(status), soci::use(limit), soci::use(offset));
    return collect(rows, keys_);
  } catch (const std::exception& e) {
    log_event(spdlog::level::err, "case list failed", {{"error", e.what()}});
    return {};
  }
}

std::int64_t CaseRepo::count_by_status(const std::string& province, const std::string& status) {
  try {
    auto s = db_.session();
    long long n = 0;
    if (province.empty())
      *s << "SELECT COUNT(*) FROM cases WHERE status = :st", soci::use(status), soci::into(n);
    else
      *s << "SELECT COUNT(*) FROM cases WHERE province = :p AND status = :st", soci::use(province),
          soci::use(status), soci::into(n);
    return n;
  } catch (const std::exception& e) {
    log_event(spdlog::level::err, "case count failed", {{"error", e.what()}});
    return 0;
  }
}

std::optional<std::string> CaseRepo::latest_for_candidate(const std::string& candidate_id) {
  try {
    auto s = db_.session();
    std::string id;
    *s << "SELECT id FROM cases WHERE candidate_id = :c ORDER BY created_at DESC, attempt DESC, id DESC LIMIT 1",
        soci::use(candidate_id), soci::into(id);
    if (!s->got_data()) return std::nullopt;
    return id;
  } catch (const std::exception& e) {
    log_event(spdlog::level::err, "latest case lookup failed", {{"error", e.what()}});
    return std::nullopt;
  }
}

std::vector<CaseRecord> CaseRepo::list_for_candidate(soci::session& s, const std::string& candidate_id) {
  soci::rowset<soci::row> rows = (s.prepare << "SELECT " << kColumns
                                            << " FROM cases WHERE candidate_id = :c ORDER BY created_at, attempt, id",
                                  soci::use(candidate_id));
  return collect(rows, keys_);
}

std::vector<CaseRecord> CaseRepo::list_for_candidate(const std::string& candidate_id) {
  try {
    auto s = db_.session();
    return list_for_candidate(*s, candidate_id);
  } catch (const std::exception& e) {
    log_event(spdlog::level::err, "case list failed", {{"error", e.what()}});
    return {};
  }
}

std::unordered_map<std::string, std::vector<CaseRecord>> CaseRepo::list_for_candidates(
    soci::session& s, const std::vector<std::string>& candidate_ids) {
  std::unordered_map<std::string, std::vector<CaseRecord>> out;
  for (std::size_t start = 0; start < candidate_ids.size(); start += sql::kRowsPerStatement) {
    std::size_t n = std::min(sql::kRowsPerStatement, candidate_ids.size() - start);
    soci::row r;
    soci::statement st = (s.prepare << "SELECT " << kColumns << " FROM cases WHERE candidate_id IN "
                                    << sql::in_list(n, db_.dialect()) << " ORDER BY created_at, attempt, id");
    for (std::size_t i = start; i < start + n; ++i) st.exchange(soci::use(candidate_ids[i]));
    st.exchange(soci::into(r));
    st.define_and_bind();
    st.execute(false);
    while (st.fetch()) {
      auto c = from_row(r, keys_);
      if (c) out[c->candidate_id].push_back(std::move(*c));
      else log_event(spdlog::level::err, "case not readable", {{"case_id", sql::text(r, 0)}, {"error", c.error().code}});
    }
  }
  return out;
}

void CaseRepo::insert_many(soci::session& s, const std::vector<CaseRecord>& cases) {
  constexpr std::size_t kCols = 16;
  for (std::size_t start = 0; start < cases.size(); start += sql::kRowsPerStatement) {
    std::size_t n = std::min(sql::kRowsPerStatement, cases.size() - start);
    // Bound by reference: every value is in place before the first bind and never moves.
    std::vector<std::string> text;
    std::vector<sql::Nullable> nullable;
    std::vector<long long> number;
    text.reserve(n * 10);
    nullable.reserve(n * 3);
    number.reserve(n * 3);
    for (std::size_t i = start; i < start + n; ++i) {
      const auto& c = cases[i];
      if (c.id.empty() || c.candidate_id.empty()) throw std::invalid_argument("case id and candidate id are required");
      text.insert(text.end(), {c.id, c.candidate_id, c.province, c.channel, c.exam_session, c.status,
                               c.citizen_token_hash, keys_.encrypt(identity_to_json(c.identity).dump(), aad(c.id)),
                               sql::to_db(c.created_at), sql::to_db(c.updated_at)});
      nullable.insert(nullable.end(), {sql::nullable(c.due_at), sql::nullable(c.submitted_at), sql::nullable(c.decided_at)});
      number.insert(number.end(), {c.attempt, c.expedited ? 1 : 0, c.version});
    }
    soci::statement st = (s.prepare << "INSERT INTO cases (" << kColumns << ") VALUES "
                                    << sql::values_rows(n, kCols, db_.dialect()));
    for (std::size_t k = 0; k < n; ++k) {
      // kColumns order: id .. identity_enc, attempt, expedited, due_at, created_at, updated_at,
      // submitted_at, decided_at, version
      for (std::size_t j = 0; j < 8; ++j) st.exchange(soci::use(text[k * 10 + j]));
      st.exchange(soci::use(number[k * 3]));
      st.exchange(soci::use(number[k * 3 + 1]));
      st.exchange(soci::use(nullable[k * 3].value, nullable[k * 3].ind));
      st.exchange(soci::use(text[k * 10 + 8]));
      st.exchange(soci::use(text[k * 10 + 9]));
      st.exchange(soci::use(nullable[k * 3 + 1].value, nullable[k * 3 + 1].ind));
      st.exchange(soci::use(nullable[k * 3 + 2].value, nullable[k * 3 + 2].ind));
      st.exchange(soci::use(number[k * 3 + 2]));
    }
    st.define_and_bind();
    st.execute(true);
  }
}

sdk::Result<std::unordered_map<std::string, std::string>> CaseRepo::latest_for_candidates(
    const std::vector<std::string>& candidate_ids) {
  std::unordered_map<std::string, std::string> out;
  try {
    auto s = db_.session();
    // The newest as latest_for_candidate orders: created_at, then attempt, then id, descending.
    std::unordered_map<std::string, std::tuple<std::string, int, std::string>> best;
    for (std::size_t start = 0; start < candidate_ids.size(); start += sql::kRowsPerStatement) {
      std::size_t n = std::min(sql::kRowsPerStatement, candidate_ids.size() - start);
      std::string cand, id, created;
      int attempt = 0;
      soci::statement st = (s->prepare << "SELECT candidate_id, id, created_at, attempt FROM cases WHERE candidate_id IN "
                                       << sql::in_list(n, db_.dialect()));
      for (std::size_t i = start; i < start + n; ++i) st.exchange(soci::use(candidate_ids[i]));
      st.exchange(soci::into(cand));
      st.exchange(soci::into(id));
      st.exchange(soci::into(created));
      st.exchange(soci::into(attempt));
      st.define_and_bind();
      st.execute(false);
      while (st.fetch()) {
        auto key = std::make_tuple(created, attempt, id);
        auto [it, fresh] = best.emplace(cand, key);
        if (!fresh && it->second < key) it->second = key;
      }
    }
    for (auto& [cand, key] : best) out[cand] = std::get<2>(key);
    return out;
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

sdk::Status CaseRepo::set_citizen_token_hash(soci::session& s, const std::string& id, const std::string& token_hash,
                                             TimePoint now) {
  std::string up = sql::to_db(now);
  soci::statement st = (s.prepare << "UPDATE cases SET citizen_token_hash = :t, version = version + 1, updated_at = :up "
                                     "WHERE id = :id",
                        soci::use(token_hash), soci::use(up), soci::use(id));
  if (sql::execute_count(st) == 0) return not_found("case", "案件");
  return sdk::Status::Ok();
}

sdk::Status CaseRepo::touch(const std::string& sql_set, const std::string& id,
                            const std::optional<std::string>& value, TimePoint now) {
  try {
    auto s = db_.session();
    std::string up = sql::to_db(now);
    auto v = sql::nullable_text(value);
    soci::statement st = (s->prepare << "UPDATE cases SET " << sql_set
                                     << " = :v, version = version + 1, updated_at = :up WHERE id = :id",
                          soci::use(v.value, v.ind), soci::use(up), soci::use(id));
    if (sql::execute_count(st) == 0) return not_found("case", "案件");
    return sdk::Status::Ok();
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

sdk::Status CaseRepo::set_submitted_at(const std::string& id, TimePoint t) {
  return touch("submitted_at", id, sql::to_db(t), t);
}
sdk::Status CaseRepo::set_decided_at(const std::string& id, TimePoint t) {
  return touch("decided_at", id, sql::to_db(t), t);
}
sdk::Status CaseRepo::set_due_at(const std::string& id, std::optional<TimePoint> t, TimePoint now) {
  return touch("due_at", id, t ? std::optional<std::string>(sql::to_db(*t)) : std::nullopt, now);
}
sdk::Status CaseRepo::set_expedited(const std::string& id, bool expedited, TimePoint now) {
  try {
    auto s = db_.session();
    std::string up = sql::to_db(now);
    int e = expedited ? 1 : 0;
    soci::statement st = (s->prepare << "UPDATE cases SET expedited = :e, version = version + 1, updated_at = :up "
                                        "WHERE id = :id",
                          soci::use(e), soci::use(up), soci::use(id));
    if (sql::execute_count(st) == 0) return not_found("case", "案件");
    return sdk::Status::Ok();
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

}  // namespace shiming::storage
