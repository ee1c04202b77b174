#include "storage/candidate_repo.h"

#include <algorithm>
#include <cctype>

#include "common/log.h"
#include "common/random.h"
#include "storage/sql_util.h"

namespace shiming::storage {
namespace {

constexpr const char* kColumns =
    "id, province, id_hash, name_enc, id_number_enc, phone_enc, sex, created_at";

std::string aad(const std::string& id, const char* field) { return "candidate/" + id + "/" + field; }

sdk::Result<Candidate> from_row(const soci::row& r, const crypto::Keyring& keys) {
  Candidate c;
  c.id = sql::text(r, 0);
  c.province = sql::text(r, 1);
  c.id_hash = sql::text(r, 2);
  auto name = keys.decrypt(sql::text(r, 3), aad(c.id, "name"));
  auto idn = keys.decrypt(sql::text(r, 4), aad(c.id, "id_number"));
  auto phone = keys.decrypt(sql::text(r, 5), aad(c.id, "phone"));
  if (!name) return name.error();
  if (!idn) return idn.error();
  if (!phone) return phone.error();
  c.name = std::move(*name);
  c.id_number = std::move(*idn);
  c.phone = std::move(*phone);
  c.sex = sql::text(r, 6);
  c.created_at = sql::time(r, 7);
  return c;
}

std::optional<sdk::Result<Candidate>> select_by_hash(soci::session& s, const std::string& province,
                                                     const std::string& hash, const crypto::Keyring& keys) {
  soci::row r;
  s << "SELECT " << kColumns << " FROM candidates WHERE province = :p AND id_hash = :h", soci::use(province),
      soci::use(hash), soci::into(r);
  if (!s.got_data()) return std::nullopt;
  return from_row(r, keys);
}

}  // namespace

std::string CandidateRepo::normalise_id_number(std::string_view id_number) {
  std::size_t b = 0, e = id_number.size();
  while (b < e && std::isspace(static_cast<unsigned char>(id_number[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(id_number[e - 1]))) --e;
  std::string out(id_number.substr(b, e - b));
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

sdk::Result<Candidate> CandidateRepo::find_or_create(const std::string& province,
                                                     const sdk::DeclaredIdentity& identity, TimePoint now) {
  try {
    auto s = db_.session();
    return find_or_create(*s, province, identity, now);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

sdk::Result<Candidate> CandidateRepo::find_or_create(soci::session& s, const std::string& province,
                                                     const sdk::DeclaredIdentity& identity, TimePoint now) {
  std::string idn = normalise_id_number(identity.id_number);
  if (idn.empty())
    return sdk::make_error("ID_NUMBER_REQUIRED", "an ID number is required", "请填写证件号码", "id_number");
  if (province.empty() || province.size() > 32)
    return sdk::make_error("BAD_PROVINCE", "province must be 1..32 characters", "省份代码无效", "province");
  const std::string hash = keys_.keyed_hash(idn);
  try {
    if (auto found = select_by_hash(s, province, hash, keys_)) return std::move(*found);
    Candidate c;
    c.id = random_id();
    c.province = province;
    c.id_hash = hash;
    c.name = identity.name;
    c.id_number = idn;
    c.phone = identity.phone;
    c.sex = identity.sex;
    c.created_at = std::chrono::time_point_cast<std::chrono::seconds>(now);
    std::string name_enc = keys_.encrypt(c.name, aad(c.id, "name"));
    std::string idn_enc = keys_.encrypt(c.id_number, aad(c.id, "id_number"));
    std::string phone_enc = keys_.encrypt(c.phone, aad(c.id, "phone"));
    std::string created = sql::to_db(now);
    try {
      s << "INSERT INTO candidates (id, province, id_hash, name_enc, id_number_enc, phone_enc, sex, created_at) "
            "VALUES (:id, :p, :h, :n, :i, :ph, :sex, :t)",
          soci::use(c.id), soci::use(province), soci::use(hash), soci::use(name_enc), soci::use(idn_enc),
          soci::use(phone_enc), soci::use(c.sex), soci::use(created);
      return c;
    } catch (const std::exception& e) {
      // Lost a race with another request for the same person: use theirs.
      if (!sql::is_duplicate_key(e)) throw;
      if (auto found = select_by_hash(s, province, hash, keys_)) return std::move(*found);
      throw;
    }
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

sdk::Result<Candidate> CandidateRepo::get(const std::string& id) {
  try {
    auto s = db_.session();
    soci::row r;
    *s << "SELECT " << kColumns << " FROM candidates WHERE id = :id", soci::use(id), soci::into(r);
    if (!s->got_data()) return not_found("candidate", "考生");
    return from_row(r, keys_);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

std::optional<std::string> CandidateRepo::find_id(const std::string& province, const std::string& id_number) {
  const std::string hash = keys_.keyed_hash(normalise_id_number(id_number));
  try {
    auto s = db_.session();
    std::string id;
    *s << "SELECT id FROM candidates WHERE province = :p AND id_hash = :h", soci::use(province), soci::use(hash),
        soci::into(id);
    if (!s->got_data()) return std::nullopt;
    return id;
  } catch (const std::exception& e) {
    log_event(spdlog::level::err, "candidate lookup failed", {{"error", e.what()}});
    return std::nullopt;
  }
}

std::unordered_map<std::string, std::string> CandidateRepo::ids_by_hash(soci::session& s, const std::string& province,
                                                                        const std::vector<std::string>& hashes) {
  std::unordered_map<std::string, std::string> out;
  for (std::size_t start = 0; start < hashes.size(); start += sql::kRowsPerStatement) {
    std::size_t n = std::min(sql::kRowsPerStatement, hashes.size() - start);
    std::string id, hash;
    soci::statement st = (s.prepare << "SELECT id, id_hash FROM candidates WHERE province = :prov AND id_hash IN "
                                    << sql::in_list(n, db_.dialect()));
    st.exchange(soci::use(province));
    for (std::size_t i = start; i < start + n; ++i) st.exchange(soci::use(hashes[i]));
    st.exchange(soci::into(id));
    st.exchange(soci::into(hash));
    st.define_and_bind();
    st.execute(false);
    while (st.fetch()) out[hash] = id;
  }
  return out;
}

void CandidateRepo::insert_many(soci::session& s, const std::vector<Candidate>& candidates) {
  constexpr std::size_t kCols = 8;
  for (std::size_t start = 0; start < candidates.size(); start += sql::kRowsPerStatement) {
    std::size_t n = std::min(sql::kRowsPerStatement, candidates.size() - start);
    std::vector<std::string> v;  // bound by reference: filled first, never resized while bound
    v.reserve(n * kCols);
    for (std::size_t i = start; i < start + n; ++i) {
      const auto& c = candidates[i];
      v.push_back(c.id);
      v.push_back(c.province);
      v.push_back(c.id_hash);
      v.push_back(keys_.encrypt(c.name, aad(c.id, "name")));
      v.push_back(keys_.encrypt(c.id_number, aad(c.id, "id_number")));
      v.push_back(keys_.encrypt(c.phone, aad(c.id, "phone")));
      v.push_back(c.sex);
      v.push_back(sql::to_db(c.created_at));
    }
    soci::statement st = (s.prepare << "INSERT INTO candidates (" << kColumns << ") VALUES "
                                    << sql::values_rows(n, kCols, db_.dialect()));
    for (const auto& x : v) st.exchange(soci::use(x));
    st.define_and_bind();
    st.execute(true);
  }
}

sdk::Result<std::unordered_map<std::string, std::string>> CandidateRepo::find_ids(
    const std::string& province, const std::vector<std::string>& id_numbers) {
  std::vector<std::string> hashes;
  hashes.reserve(id_numbers.size());
  for (const auto& n : id_numbers) hashes.push_back(hash_of(n));
  try {
    auto s = db_.session();
    auto by_hash = ids_by_hash(*s, province, hashes);
    std::unordered_map<std::string, std::string> out;
    for (std::size_t i = 0; i < id_numbers.size(); ++i)
      if (auto it = by_hash.find(hashes[i]); it != by_hash.end()) out[id_numbers[i]] = it->second;
    return out;
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

}  // namespace shiming::storage
