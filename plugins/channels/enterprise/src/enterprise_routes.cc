// Handlers of the enterprise channel's routes and the roster import job.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "enterprise_channel.h"
#include "roster.h"
#include "scan_archive.h"

namespace shiming::enterprise {
namespace {

using sdk::HttpResponse;
using nlohmann::json;

constexpr std::size_t kMaxQueuedBytes = 256u << 20;  // roster bodies waiting for the worker

HttpResponse fail(int status, std::string code, std::string en, std::string zh, std::string field = {}) {
  return HttpResponse::error(status, sdk::make_error(std::move(code), std::move(en), std::move(zh), std::move(field)));
}

HttpResponse error_of(const sdk::Error& e) {
  int status = 422;
  if (e.code.rfind("QUALIFICATION_", 0) == 0 && e.code != "QUALIFICATION_INVALID") status = 403;
  if (e.code == "HR_NOT_BOUND" || e.code == "FORBIDDEN" || e.code == "CHANNEL_DISABLED") status = 403;
  if (e.code == "BATCH_NOT_FOUND" || e.code == "CASE_NOT_FOUND" || e.code == "ROW_NOT_FOUND") status = 404;
  if (e.code == "ROW_INVALID") status = 400;
  if (e.code == "BATCH_NOT_READY") status = 409;
  if (e.code == "DATABASE_ERROR" || e.code == "CHANNEL_SETTINGS_INVALID") status = 500;
  if (e.code == "ILLEGAL_TRANSITION" || e.code == "CASE_NOT_EDITABLE") status = 409;
  return HttpResponse::error(status, e);
}

std::string random_hex(std::size_t bytes) {
  static thread_local std::random_device rd;
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes; ++i) {
    unsigned v = rd() & 0xff;
    out += hex[v >> 4];
    out += hex[v & 15];
  }
  return out;
}

std::string now_iso(sdk::Host& host) {
  std::time_t t = std::chrono::system_clock::to_time_t(host.clock().now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::size_t query_size(const sdk::HttpRequest& r, const char* key, std::size_t def, std::size_t max) {
  auto it = r.query.find(key);
  if (it == r.query.end()) return def;
  try {
    return std::min<std::size_t>(std::stoul(it->second), max);
  } catch (...) {
    return def;
  }
}

bool has(const std::vector<std::string>& v, const char* k) { return std::find(v.begin(), v.end(), k) != v.end(); }

bool staff(const sdk::Actor& a) { return a.role == "reviewer" || a.role == "admin"; }

std::string content_type_of(const std::string& file) {
  auto dot = file.rfind('.');
  std::string ext = dot == std::string::npos ? "" : file.substr(dot + 1);
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
  if (ext == "png") return "image/png";
  return "application/octet-stream";
}

void add_flag(json& row, const std::string& code) {
  auto& flags = row["flags"];
  for (const auto& f : flags)
    if (f == code) return;
  flags.push_back(code);
}

}  // namespace

// ---- helpers ------------------------------------------------------------------

sdk::Result<EnterpriseChannel::Hr> EnterpriseChannel::hr_of(const sdk::Actor& actor, bool require_valid) {
  auto binding = host_.records().get(kHrBindings, actor.id);
  if (!binding || binding->value("province", "") != actor.province || binding->value("enterprise_id", "").empty())
    return sdk::make_error("HR_NOT_BOUND", "This HR account is not bound to an enterprise (shimingctl user add ... --enterprise).",
                           "该人事账号未绑定企业。", "");
  Hr hr{binding->value("enterprise_id", ""), actor.province, json()};
  auto q = host_.records().get(kQualifications, qualification_key(hr.province, hr.enterprise));
  if (!q)
    return sdk::make_error("QUALIFICATION_MISSING",
                           "The enterprise holds no collective-registration qualification in this province.",
                           "该企业在本省没有集体报名（认证）资格。", "");
  hr.qualification = *q;
  if (!require_valid) return hr;
  std::string d = today();
  if (d < q->value("valid_from", ""))
    return sdk::make_error("QUALIFICATION_NOT_YET_VALID",
                           "The enterprise's qualification is valid from " + q->value("valid_from", "") + ".",
                           "该企业的集体认证资格自 " + q->value("valid_from", "") + " 起生效。", "");
  if (d > q->value("valid_until", ""))
    return sdk::make_error("QUALIFICATION_EXPIRED",
                           "The enterprise's qualification expired on " + q->value("valid_until", "") +
                               ". Ask the provincial exam office to renew it.",
                           "该企业的集体认证资格已于 " + q->value("valid_until", "") + " 到期，请联系省考试机构续期。", "");
  if (!host_.channel_settings(hr.province, "enterprise"))
    return sdk::make_error("CHANNEL_DISABLED", "The enterprise channel is not open in this province.",
                           "本省未开通企业集体认证渠道。", "");
  return hr;
}

sdk::Result<json> EnterpriseChannel::visible_batch(const sdk::HttpRequest& r) {
  sdk::Error not_found = sdk::make_error("BATCH_NOT_FOUND", "No such batch.", "没有找到该批次。", "id");
  auto b = host_.records().get(kBatches, r.params.at("id"));
  if (!b) return not_found;
  if (r.actor.role == "enterprise_hr") {
    auto hr = hr_of(r.actor, false);
    if (!hr) return hr.error();
    if (b->value("enterprise_id", "") != hr->enterprise || b->value("province", "") != hr->province) return not_found;
    return *b;
  }
  if (staff(r.actor) && (r.actor.province.empty() || r.actor.province == b->value("province", ""))) {
    // Reviewers see a batch once HR submitted it; admins of the province always.
    if (r.actor.role == "reviewer" && b->value("submitted_at", "").empty()) return not_found;
    return *b;
  }
  return not_found;
}

std::vector<json> EnterpriseChannel::load_rows(const std::string& batch_id) {
  std::vector<json> out;
  for (auto& [key, chunk] : host_.records().list(kRowChunks, batch_id))
    for (auto& row : chunk["rows"]) out.push_back(std::move(row));
  return out;
}

sdk::Status EnterpriseChannel::save_rows(const std::string& batch_id, const std::vector<json>& rows) {
  for (std::size_t start = 0, chunk = 0; start < rows.size(); start += kRowsPerChunk, ++chunk) {
    json list = json::array();
    for (std::size_t i = start; i < std::min(rows.size(), start + kRowsPerChunk); ++i) list.push_back(rows[i]);
    if (auto s = host_.records().put(kRowChunks, chunk_key(batch_id, chunk), {{"rows", list}}, batch_id); !s) return s;
  }
  return sdk::Status::Ok();
}

sdk::Status EnterpriseChannel::store_upload(const std::string& batch_id, const std::string& body) {
  static const char* hex = "0123456789abcdef";
  for (std::size_t start = 0, part = 0; start < body.size(); start += kUploadPart, ++part) {
    std::size_t n = std::min(kUploadPart, body.size() - start);
    std::string enc;
    enc.reserve(2 * n);
    for (std::size_t i = start; i < start + n; ++i) {
      auto c = static_cast<unsigned char>(body[i]);
      enc += hex[c >> 4];
      enc += hex[c & 15];
    }
    if (auto s = host_.records().put(kUploads, chunk_key(batch_id, part), {{"hex", enc}}, batch_id); !s) return s;
  }
  return sdk::Status::Ok();
}

std::optional<std::string> EnterpriseChannel::load_upload(const std::string& batch_id) {
  auto parts = host_.records().list(kUploads, batch_id);
  if (parts.empty()) return std::nullopt;
  std::string body;
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (const auto& [key, part] : parts) {  // keys sort in part order
    const auto& enc = part["hex"].get_ref<const std::string&>();
    for (std::size_t i = 0; i + 1 < enc.size(); i += 2)
      body += static_cast<char>((nibble(enc[i]) << 4) | nibble(enc[i + 1]));
  }
  return body;
}

void EnterpriseChannel::drop_upload(const std::string& batch_id) {
  for (const auto& [key, part] : host_.records().list(kUploads, batch_id)) (void)host_.records().remove(kUploads, key);
  (void)host_.records().remove(kRefusals, batch_id);
}

json EnterpriseChannel::employee_json(const json& row, const EnterpriseSettings& s, bool links) {
  json j = {{"row", row["row"]}, {"name", row["name"]}, {"id_number", row["id_number"]},
            {"case_id", row["case_id"]}, {"flags", row["flags"]}, {"submitted", row.value("submitted", false)}};
  auto c = host_.cases().get(row.value("case_id", ""));
  j["status"] = c ? c->status : "unknown";
  auto kinds = host_.evidence().kinds(row.value("case_id", ""));
  bool face = has(kinds, sdk::evidence_kind::kFace), live = has(kinds, sdk::evidence_kind::kLivenessVideo),
       scan = has(kinds, sdk::evidence_kind::kIdFront);
  j["face"] = face;
  j["liveness"] = live;
  j["id_scan"] = scan;
  j["complete"] = (!s.face_required || face) && (!s.liveness_required || live) && (!s.id_scan_required || scan);
  if (links) {
    j["token"] = row.value("token", "");
    j["case_url"] = "/api/v1/cases/" + row.value("case_id", "");
  }
  return j;
}

// ---- qualification register ------------------------------------------------------

HttpResponse EnterpriseChannel::list_enterprises(const sdk::HttpRequest& r) {
  const std::string& province = r.params.at("province");
  if (!r.actor.province.empty() && r.actor.province != province)
    return fail(403, "FORBIDDEN", "You may only see your own province's register.", "您只能查看本省的资格名录。");
  std::string d = today();
  json items = json::array();
  for (auto& [key, q] : host_.records().list(kQualifications, province)) {
    q["valid_today"] = q.value("valid_from", "") <= d && d <= q.value("valid_until", "");
    items.push_back(q);
  }
  return HttpResponse::json(200, {{"province", province}, {"enterprises", items}});
}

HttpResponse EnterpriseChannel::put_enterprise(const sdk::HttpRequest& r) {
  const std::string& province = r.params.at("province");
  if (!r.actor.province.empty() && r.actor.province != province)
    return fail(403, "FORBIDDEN", "Only the province's own admins keep its register.", "只有本省管理员可以维护本省资格名录。");
  if (std::find(host_.provinces().begin(), host_.provinces().end(), province) == host_.provinces().end())
    return fail(404, "PROVINCE_NOT_FOUND", "No such province.", "没有该省份。", "province");
  auto body = json::parse(r.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return fail(400, "BODY_NOT_OBJECT", "The body must be a JSON object.", "请求体必须是 JSON 对象。");
  auto q = make_qualification(province, r.params.at("enterprise"), body);
  if (!q) return HttpResponse::error(400, q.error());
  std::string key = qualification_key(province, r.params.at("enterprise"));
  bool existed = host_.records().get(kQualifications, key).has_value();
  (*q)["updated_by"] = r.actor.display;
  (*q)["updated_at"] = now_iso(host_);
  if (auto s = host_.records().put(kQualifications, key, *q, province); !s) return error_of(s.error());
  host_.logger().info("enterprise: qualification " + key + " " + (existed ? "renewed" : "registered") + " by " +
                      r.actor.display + " valid " + q->value("valid_from", "") + ".." + q->value("valid_until", ""));
  return HttpResponse::json(existed ? 200 : 201, *q);
}

HttpResponse EnterpriseChannel::me(const sdk::HttpRequest& r) {
  auto hr = hr_of(r.actor, false);
  if (!hr) return error_of(hr.error());
  auto valid = hr_of(r.actor, true);
  json j = {{"enterprise_id", hr->enterprise}, {"province", hr->province}, {"qualification", hr->qualification},
            {"qualified", valid.ok()}};
  if (!valid) j["refusal"] = {{"code", valid.error().code}, {"message", valid.error().message},
                              {"message_zh", valid.error().message_zh}};
  return HttpResponse::json(200, j);
}

// ---- roster upload and import ------------------------------------------------------

HttpResponse EnterpriseChannel::upload(const sdk::HttpRequest& r) {
  auto hr = hr_of(r.actor, true);
  if (!hr) return error_of(hr.error());
  if (r.body.empty()) return fail(400, "ROSTER_EMPTY", "The roster file is empty.", "名单文件为空。", "body");
  std::string batch = "eb_" + random_hex(12);
  json b = {{"id", batch}, {"province", hr->province}, {"enterprise_id", hr->enterprise},
            {"enterprise_name", hr->qualification.value("name", "")}, {"state", "queued"},
            {"created_at", now_iso(host_)}, {"created_by", r.actor.id},
            {"progress", {{"bytes_total", r.body.size()}, {"bytes_read", 0}, {"rows_read", 0}, {"cases_opened", 0}}},
            {"submitted_at", ""}};
  {
    std::lock_guard lock(queue_mu_);
    if (queued_bytes_ + r.body.size() > kMaxQueuedBytes)
      return fail(503, "IMPORT_BUSY", "Too many rosters are being imported; try again in a minute.",
                  "正在导入的名单过多，请稍后再试。");
    // The upload is kept (encrypted, in the record store) until its import ends, so a restart resumes it.
    if (auto s = store_upload(batch, r.body); !s) {
      drop_upload(batch);
      return error_of(s.error());
    }
    if (auto s = host_.records().put(kBatches, batch, b, qualification_key(hr->province, hr->enterprise)); !s) {
      drop_upload(batch);
      return error_of(s.error());
    }
    queued_bytes_ += r.body.size();
    queue_.push_back({batch, r.body, r.actor});
  }
  queue_cv_.notify_one();
  host_.logger().info("enterprise: roster " + batch + " queued for " + hr->enterprise + " (" +
                      std::to_string(r.body.size()) + " bytes)");
  auto resp = HttpResponse::json(202, {{"batch_id", batch}, {"state", "queued"},
                                       {"progress_url", "/api/v1/channels/enterprise/batches/" + batch}});
  resp.headers.emplace_back("Location", "/api/v1/channels/enterprise/batches/" + batch);
  return resp;
}

void EnterpriseChannel::run_import(Job& job) {
  const std::string& batch = job.batch_id;
  auto stored = host_.records().get(kBatches, batch);
  if (!stored) return;
  json b = *stored;
  std::string province = b.value("province", ""), enterprise = b.value("enterprise_id", "");
  std::string index = qualification_key(province, enterprise);
  auto save_batch = [&] { (void)host_.records().put(kBatches, batch, b, index); };
  auto fail_batch = [&](const sdk::Error& e) {
    b["state"] = "failed";
    b["error"] = {{"code", e.code}, {"message", e.message}, {"message_zh", e.message_zh}};
    save_batch();
    drop_upload(batch);
  };
  auto raw = host_.channel_settings(province, "enterprise");
  auto settings = raw ? parse_enterprise_settings(*raw) : sdk::Result<EnterpriseSettings>(sdk::make_error(
                                                              "CHANNEL_DISABLED", "The enterprise channel is not open in this province.",
                                                              "本省未开通企业集体认证渠道。"));
  if (!settings) return fail_batch(settings.error());

  // A resumed import (the host stopped after the upload was accepted) starts from what is stored:
  // the rows whose cases were opened and the rows the hub refused, up to `through_row`. The file is
  // read again from the start (duplicates need every row) and nothing before that row is opened again.
  std::vector<json> rows;       // the batch's case rows, in file order
  std::vector<RowIssue> extra;  // rows refused when their case was opened
  std::size_t through = 0;
  const bool resumed = b.value("state", "") == "importing";
  if (resumed) {
    rows = load_rows(batch);
    through = b["progress"].value("through_row", std::size_t{0});
    if (auto refused = host_.records().get(kRefusals, batch))
      for (const auto& e : (*refused)["issues"])
        extra.push_back({e.value("row", std::size_t{0}), e.value("field", ""), e.value("code", ""),
                         e.value("message", ""), e.value("message_zh", "")});
    // Anything a stopped import wrote past its last durable point is dropped; those rows come again.
    std::erase_if(rows, [&](const json& r) { return r.value("row", std::size_t{0}) > through; });
    std::erase_if(extra, [&](const RowIssue& e) { return e.row > through; });
    host_.logger().info("enterprise: roster " + batch + " resumed after row " + std::to_string(through) + " (" +
                        std::to_string(rows.size()) + " cases already opened)");
  }
  b["state"] = "importing";
  save_batch();

  std::unordered_map<std::size_t, std::size_t> row_at;  // CSV row -> index in rows (resume)
  std::unordered_set<std::string> ours;                 // case ids of this batch (resume)
  for (std::size_t i = 0; i < rows.size(); ++i) {
    row_at[rows[i].value("row", std::size_t{0})] = i;
    ours.insert(rows[i].value("case_id", ""));
  }
  std::unordered_map<std::string, std::string> orphans;  // normalised ID -> case of this batch opened, not recorded

  RosterContext ctx;
  // Exam sessions: whatever the host accepts when the case is opened (SESSION_NOT_FOUND otherwise).
  ctx.existing_cases = [&](const std::vector<std::string>& ids) {
    std::unordered_set<std::string> existing;
    auto found = host_.cases().find_by_id_numbers(province, ids);
    if (!found) {
      // Opening the cases checks again (CASE_EXISTS joins the report): nothing is opened twice.
      host_.logger().error("enterprise: existing-case check of " + batch + " failed: " + found.error().message);
      return existing;
    }
    for (const auto& [id, case_id] : *found) {
      if (!resumed) {
        existing.insert(id);
        continue;
      }
      if (ours.count(case_id)) continue;
      // Opened by this batch just before the host stopped, before its row was stored.
      auto c = host_.cases().get(case_id);
      if (c && c->identity.extra.value("batch_id", "") == batch && c->status == "collecting") {
        orphans[id] = case_id;
        continue;
      }
      existing.insert(id);
    }
    return existing;
  };
  RosterLimits limits;
  limits.max_rows = settings->max_rows;
  RosterValidator v(ctx, limits);
  std::unordered_map<std::string, std::size_t> first_row;  // normalised ID -> index in rows
  struct Pending {
    RosterRow row;
    bool duplicate = false;
  };
  std::vector<Pending> pending;  // clean rows waiting to be opened as one chunk
  std::unordered_map<std::string, std::size_t> pending_at;
  std::size_t saved_rows = 0;  // rows[0, saved_rows) are stored as they are now
  std::set<std::size_t> dirty_chunks;
  sdk::Actor actor = job.actor;
  bool store_failed = false;

  std::size_t pos = 0;
  auto progress = [&] {
    b["progress"] = {{"bytes_total", job.body.size()}, {"bytes_read", pos}, {"rows_read", v.rows()},
                     {"cases_opened", rows.size()}, {"through_row", through}};
  };
  auto row_json = [&](const RosterRow& row, const std::string& case_id, const std::string& token) {
    return json{{"row", row.row}, {"case_id", case_id}, {"token", token},
                {"name", sdk::mask_name(row.name)}, {"id_number", sdk::mask_id_number(row.id_number)},
                {"exam_session", row.exam_session}, {"scan_file", row.scan_file},
                {"flags", json::array()}, {"submitted", false}};
  };
  // Opens the pending rows as one chunk and makes the outcome durable up to `upto` (a CSV row).
  auto flush = [&](std::size_t upto) {
    if (!pending.empty()) {
      std::vector<sdk::OpenCaseRequest> reqs;
      reqs.reserve(pending.size());
      for (const auto& p : pending) {
        idnumber::Options opt;
        auto id = idnumber::check(p.row.id_number, opt);
        sdk::OpenCaseRequest o;
        o.province = province;
        o.channel = "enterprise";
        o.exam_session = p.row.exam_session;
        o.identity.name = p.row.name;
        o.identity.id_number = p.row.id_number;
        o.identity.sex = id.sex == 'F' ? "F" : "M";
        o.identity.phone = p.row.phone;
        o.identity.extra = {{"enterprise_id", enterprise}, {"batch_id", batch}, {"roster_row", p.row.row}};
        reqs.push_back(std::move(o));
      }
      auto results = host_.cases().open_many(reqs, actor);
      for (std::size_t i = 0; i < pending.size(); ++i) {
        const auto& p = pending[i];
        auto& c = results[i];
        if (!c) {
          extra.push_back({p.row.row, c.error().field, c.error().code, c.error().message, c.error().message_zh});
          continue;
        }
        first_row[p.row.id_number] = rows.size();
        rows.push_back(row_json(p.row, c->case_id, c->citizen_token));
        if (p.duplicate) add_flag(rows.back(), "DUPLICATE_IN_ROSTER");
      }
      pending.clear();
      pending_at.clear();
    }
    // Durable point: the row chunks touched since the last one, the refusals, then the batch.
    for (std::size_t k = saved_rows / kRowsPerChunk; k * kRowsPerChunk < rows.size(); ++k) dirty_chunks.insert(k);
    for (auto k : dirty_chunks) {
      json list = json::array();
      for (std::size_t i = k * kRowsPerChunk; i < std::min(rows.size(), (k + 1) * kRowsPerChunk); ++i)
        list.push_back(rows[i]);
      if (auto st = host_.records().put(kRowChunks, chunk_key(batch, k), {{"rows", list}}, batch); !st) {
        store_failed = true;
        return;
      }
    }
    dirty_chunks.clear();
    saved_rows = rows.size();
    json refused = json::array();
    for (const auto& e : extra)
      refused.push_back({{"row", e.row}, {"field", e.field}, {"code", e.code}, {"message", e.message_en},
                         {"message_zh", e.message_zh}});
    if (!extra.empty()) (void)host_.records().put(kRefusals, batch, {{"issues", refused}}, batch);
    through = std::max(through, upto);
    progress();
    save_batch();
  };

  v.on_row = [&](const RosterRow& row) {
    if (stopping_ || store_failed) return false;
    if (!row.clean) {
      // A second occurrence flags the first one's case for the reviewer.
      if (auto it = first_row.find(row.id_number); it != first_row.end()) {
        add_flag(rows[it->second], "DUPLICATE_IN_ROSTER");
        if (it->second < saved_rows) dirty_chunks.insert(it->second / kRowsPerChunk);
      } else if (auto pt = pending_at.find(row.id_number); pt != pending_at.end()) {
        pending[pt->second].duplicate = true;
      }
      return true;
    }
    if (row.row <= through) {
      // Done before the restart: opened (known row) or refused by the hub (in the refusals).
      if (auto it = row_at.find(row.row); it != row_at.end()) first_row[row.id_number] = it->second;
      return true;
    }
    if (auto o = orphans.find(row.id_number); o != orphans.end()) {
      // Its case was opened but the employee's token was never stored: HR asks for a new link.
      first_row[row.id_number] = rows.size();
      rows.push_back(row_json(row, o->second, ""));
      add_flag(rows.back(), "LINK_LOST_ON_RESTART");
      return true;
    }
    pending_at[row.id_number] = pending.size();
    pending.push_back({row, false});
    if (pending.size() >= kRowsPerChunk) flush(row.row);
    return true;
  };
  constexpr std::size_t kChunk = 64 * 1024;
  std::size_t last_progress = 0;
  bool ok = true;
  while (ok && pos < job.body.size()) {
    std::size_t n = std::min(kChunk, job.body.size() - pos);
    ok = v.feed(std::string_view(job.body).substr(pos, n));
    pos += n;
    if (v.rows() - last_progress >= 1000) {
      last_progress = v.rows();
      progress();
      save_batch();
    }
  }
  if (ok) ok = v.finish();
  if (stopping_) {
    // The host is stopping: what is durable stays, the batch stays `importing` and resumes on restart.
    progress();
    save_batch();
    return;
  }
  if (!store_failed) flush(v.rows() + 1);
  if (store_failed) return fail_batch(sdk::make_error("DATABASE_ERROR", "The roster could not be stored.",
                                                      "名单无法保存。"));
  progress();
  auto report = json::parse(report_json(v), nullptr, false);
  if (report.is_discarded()) report = json::object();
  // After a resume the validator sees the case a refused row collided with (e.g. opened in
  // another channel before the hub refused the row) and reports the row again: the hub's stored
  // refusal is the account of what happened, so the row is reported once.
  std::unordered_set<std::size_t> refused_rows;
  for (const auto& e : extra) refused_rows.insert(e.row);
  if (!refused_rows.empty() && report.contains("issues") && report["issues"].is_array()) {
    json kept = json::array();
    for (auto& i : report["issues"])
      if (i.value("code", "") != "ROSTER_ID_EXISTING_CASE" || !refused_rows.count(i.value("row", std::size_t{0})))
        kept.push_back(std::move(i));
    report["issues"] = std::move(kept);
  }
  for (const auto& e : extra)
    report["issues"].push_back({{"row", e.row}, {"field", e.field}, {"code", e.code}, {"message", e.message_en},
                                {"message_zh", e.message_zh}});
  // Rows the validator passed but the hub refused (already open elsewhere, closed session) are not clean.
  std::size_t opened = rows.size();
  report["clean_rows"] = opened;
  report["cases_opened"] = opened;
  std::sort(report["issues"].begin(), report["issues"].end(),
            [](const json& a, const json& b) { return a.value("row", 0) < b.value("row", 0); });
  (void)host_.records().put(kReports, batch, report, batch);
  b["summary"] = {{"rows", v.rows()}, {"clean_rows", opened}, {"flagged_rows", v.rows() - opened},
                  {"encoding", report.value("encoding", "")}};
  if (v.fatal()) {
    // The file was refused as a whole: the cases opened before the refusal stay in the batch.
    b["state"] = "failed";
    b["error"] = {{"code", v.fatal()->code}, {"message", v.fatal()->message_en}, {"message_zh", v.fatal()->message_zh},
                  {"row", v.fatal()->row}};
  } else {
    b["state"] = "ready";
  }
  b["imported_at"] = now_iso(host_);
  save_batch();
  drop_upload(batch);
  host_.logger().info("enterprise: roster " + batch + " imported: " + std::to_string(v.rows()) + " rows, " +
                      std::to_string(opened) + " cases");
}

// ---- batch views -------------------------------------------------------------------------

HttpResponse EnterpriseChannel::list_batches(const sdk::HttpRequest& r) {
  json items = json::array();
  auto summary = [](const json& b) {
    return json{{"id", b["id"]}, {"enterprise_id", b["enterprise_id"]}, {"enterprise_name", b["enterprise_name"]},
                {"province", b["province"]}, {"state", b["state"]}, {"created_at", b["created_at"]},
                {"submitted_at", b["submitted_at"]}, {"summary", b.value("summary", json::object())}};
  };
  if (r.actor.role == "enterprise_hr") {
    auto hr = hr_of(r.actor, false);
    if (!hr) return error_of(hr.error());
    for (auto& [k, b] : host_.records().list(kBatches, qualification_key(hr->province, hr->enterprise)))
      items.push_back(summary(b));
  } else {
    std::vector<std::string> provinces;
    if (r.actor.province.empty()) provinces = host_.provinces();
    else provinces.push_back(r.actor.province);
    for (const auto& p : provinces)
      for (auto& [qkey, q] : host_.records().list(kQualifications, p))
        for (auto& [k, b] : host_.records().list(kBatches, qkey))
          if (r.actor.role == "admin" || !b.value("submitted_at", "").empty()) items.push_back(summary(b));
  }
  return HttpResponse::json(200, {{"batches", items}});
}

HttpResponse EnterpriseChannel::get_batch(const sdk::HttpRequest& r) {
  auto b = visible_batch(r);
  if (!b) return error_of(b.error());
  b->erase("created_by");
  return HttpResponse::json(200, *b);
}

HttpResponse EnterpriseChannel::report(const sdk::HttpRequest& r) {
  auto b = visible_batch(r);
  if (!b) return error_of(b.error());
  auto rep = host_.records().get(kReports, b->value("id", ""));
  if (!rep)
    return fail(409, "BATCH_NOT_READY", "The roster is still being imported; see the progress.", "名单仍在导入中，请查看进度。");
  auto fmt = r.query.find("format");
  if (fmt != r.query.end() && fmt->second == "csv") {
    HttpResponse out;
    out.content_type = "text/csv; charset=utf-8";
    out.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + b->value("id", "") + "-report.csv\"");
    std::string csv = "\xEF\xBB\xBFrow,field,code,message,message_zh\r\n";  // BOM: spreadsheets read UTF-8
    auto cell = [](const std::string& v) {
      std::string n = neutralise_cell(v);
      if (n.find_first_of(",\"\r\n") == std::string::npos) return n;
      std::string q = "\"";
      for (char c : n) q += c == '"' ? std::string("\"\"") : std::string(1, c);
      return q + "\"";
    };
    for (const auto& i : (*rep)["issues"])
      csv += std::to_string(i.value("row", 0)) + "," + cell(i.value("field", "")) + "," + cell(i.value("code", "")) +
             "," + cell(i.value("message", "")) + "," + cell(i.value("message_zh", "")) + "\r\n";
    out.body = std::move(csv);
    return out;
  }
  (*rep)["batch_id"] = b->value("id", "");
  return HttpResponse::json(200, *rep);
}

HttpResponse EnterpriseChannel::scans(const sdk::HttpRequest& r) {
  auto b = visible_batch(r);
  if (!b) return error_of(b.error());
  if (b->value("state", "") != "ready")
    return fail(409, "BATCH_NOT_READY", "Scans are matched once the roster is imported and before submission.",
                "名单导入完成后、提交前方可上传扫描件。");
  std::string ct(r.header("Content-Type"));
  if (ct.rfind("application/zip", 0) != 0)
    return fail(415, "UNSUPPORTED_MEDIA_TYPE", "Send the scans as one ZIP (application/zip).", "请以 ZIP 压缩包上传扫描件。",
                "Content-Type");
  std::string dir = host_.data_dir().empty() ? std::filesystem::temp_directory_path().string() : host_.data_dir() + "/tmp";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string path = dir + "/enterprise-scans-" + random_hex(8) + ".zip";
  {
    std::ofstream f(path, std::ios::binary);
    f.write(r.body.data(), static_cast<std::streamsize>(r.body.size()));
    if (!f) return fail(500, "INTERNAL", "The scans could not be stored.", "扫描件无法保存。");
  }
  struct Remove {
    std::string p;
    ~Remove() { std::error_code e; std::filesystem::remove(p, e); }
  } cleanup{path};
  RowIssue err;
  auto zip = ScanArchive::open(path, ScanLimits{}, err);
  if (!zip) return HttpResponse::error(422, sdk::make_error(err.code, err.message_en, err.message_zh, err.field));
  std::lock_guard lock(batch_mu_);
  auto rows_list = load_rows(b->value("id", ""));
  json result = json::array();
  std::size_t attached = 0;
  for (auto& row : rows_list) {
    std::string file = row.value("scan_file", "");
    if (file.empty()) continue;
    auto base = file.substr(file.find_last_of('/') == std::string::npos ? 0 : file.find_last_of('/') + 1);
    std::string code;
    if (!zip->has(base)) {
      code = "SCAN_MISSING";
    } else if (auto data = zip->read(base, err); !data) {
      code = err.code;
    } else {
      sdk::Evidence e;
      e.kind = sdk::evidence_kind::kIdFront;
      e.content_type = content_type_of(base);
      e.data.assign(data->begin(), data->end());
      e.meta = {{"source", "enterprise_scan_zip"}, {"batch_id", b->value("id", "")}};
      auto s = host_.cases().attach(row.value("case_id", ""), std::move(e), r.actor);
      if (s) ++attached;
      else code = s.error().code;
    }
    if (!code.empty()) {
      add_flag(row, code == "SCAN_MISSING" ? code : "SCAN_REFUSED");
      result.push_back({{"row", row["row"]}, {"scan_file", neutralise_cell(base)}, {"code", code}});
    }
  }
  if (auto s = save_rows(b->value("id", ""), rows_list); !s) return error_of(s.error());
  return HttpResponse::json(200, {{"batch_id", b->value("id", "")}, {"entries", zip->size()}, {"attached", attached},
                                  {"problems", result}});
}

HttpResponse EnterpriseChannel::employees(const sdk::HttpRequest& r) {
  auto b = visible_batch(r);
  if (!b) return error_of(b.error());
  auto raw = host_.channel_settings(b->value("province", ""), "enterprise");
  auto s = raw ? parse_enterprise_settings(*raw) : sdk::Result<EnterpriseSettings>(EnterpriseSettings{});
  if (!s) return error_of(s.error());
  auto all = load_rows(b->value("id", ""));
  std::size_t offset = query_size(r, "offset", 0, all.size()), limit = query_size(r, "limit", 200, 1000);
  bool links = r.query.count("links") && r.query.at("links") == "true";
  json items = json::array();
  for (std::size_t i = offset; i < std::min(all.size(), offset + limit); ++i) items.push_back(employee_json(all[i], *s, links));
  return HttpResponse::json(200, {{"batch_id", b->value("id", "")}, {"total", all.size()}, {"offset", offset},
                                  {"employees", items}});
}

HttpResponse EnterpriseChannel::reissue_link(const sdk::HttpRequest& r) {
  auto b = visible_batch(r);
  if (!b) return error_of(b.error());
  auto hr = hr_of(r.actor, true);
  if (!hr) return error_of(hr.error());
  std::lock_guard lock(batch_mu_);
  // The host writes the token change and its audit record; the previous link stops working.
  auto done = reissue_employee_link(host_.records(), *b, r.params.at("row"), "HR", now_iso(host_),
                                    [&](const std::string& case_id, const std::string& reason) {
                                      return host_.cases().reissue_citizen_token(case_id, r.actor, reason);
                                    });
  if (!done) return error_of(done.error());
  host_.logger().info("enterprise: batch " + b->value("id", "") + " row " + r.params.at("row") +
                      ": employee link re-issued by " + r.actor.display);
  return HttpResponse::json(200, *done);
}

HttpResponse EnterpriseChannel::submit(const sdk::HttpRequest& r) {
  auto b = visible_batch(r);
  if (!b) return error_of(b.error());
  auto hr = hr_of(r.actor, true);
  if (!hr) return error_of(hr.error());
  if (b->value("state", "") != "ready" && b->value("state", "") != "submitted")
    return fail(409, "BATCH_NOT_READY", "Only an imported roster can be submitted.", "只有导入完成的名单才能提交。");
  auto raw = host_.channel_settings(hr->province, "enterprise");
  auto s = raw ? parse_enterprise_settings(*raw) : sdk::Result<EnterpriseSettings>(EnterpriseSettings{});
  if (!s) return error_of(s.error());
  std::lock_guard lock(batch_mu_);
  auto all = load_rows(b->value("id", ""));
  std::vector<std::size_t> ready, incomplete;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].value("submitted", false)) continue;
    auto e = employee_json(all[i], *s, false);
    if (e["status"] != "collecting") continue;
    (e["complete"].get<bool>() ? ready : incomplete).push_back(i);
  }
  if (s->submission == "all_or_nothing" && !incomplete.empty()) {
    json rows_left = json::array();
    for (auto i : incomplete) rows_left.push_back(all[i]["row"]);
    auto resp = fail(409, "BATCH_INCOMPLETE",
                     std::to_string(incomplete.size()) + " employee(s) have not finished their checks; this province "
                         "accepts a batch only as a whole.",
                     "尚有 " + std::to_string(incomplete.size()) + " 名员工未完成核验，本省要求整批提交。");
    auto j = json::parse(resp.body);
    j["rows"] = rows_left;
    return HttpResponse::json(409, j);
  }
  json refused = json::array();
  std::size_t submitted = 0;
  for (auto i : ready) {
    auto st = host_.cases().submit(all[i].value("case_id", ""), r.actor);
    if (st) {
      all[i]["submitted"] = true;
      ++submitted;
    } else {
      refused.push_back({{"row", all[i]["row"]}, {"code", st.error().code}, {"message", st.error().message},
                         {"message_zh", st.error().message_zh}});
    }
  }
  for (auto i : incomplete) add_flag(all[i], "INCOMPLETE_AT_SUBMISSION");
  if (auto st = save_rows(b->value("id", ""), all); !st) return error_of(st.error());
  auto fresh = host_.records().get(kBatches, b->value("id", ""));
  json nb = fresh ? *fresh : *b;
  nb["state"] = "submitted";
  if (nb.value("submitted_at", "").empty()) nb["submitted_at"] = now_iso(host_);
  nb["submission"] = {{"mode", s->submission}, {"submitted", nb.value("submission", json::object()).value("submitted", 0) + submitted},
                      {"incomplete", incomplete.size()}};
  (void)host_.records().put(kBatches, nb.value("id", ""), nb, qualification_key(hr->province, hr->enterprise));
  host_.logger().info("enterprise: batch " + nb.value("id", "") + " submitted: " + std::to_string(submitted) + " cases");
  return HttpResponse::json(202, {{"batch_id", nb["id"]}, {"submitted", submitted}, {"incomplete", incomplete.size()},
                                  {"refused", refused}, {"mode", s->submission}});
}

HttpResponse EnterpriseChannel::rows(const sdk::HttpRequest& r) {
  auto b = visible_batch(r);
  if (!b) return error_of(b.error());
  auto all = load_rows(b->value("id", ""));
  bool flagged_only = r.query.count("flagged") && r.query.at("flagged") == "true";
  std::size_t offset = query_size(r, "offset", 0, all.size()), limit = query_size(r, "limit", 200, 1000);
  json items = json::array();
  std::size_t seen = 0;
  for (const auto& row : all) {
    bool flagged = !row["flags"].empty();
    if (flagged_only && !flagged) continue;
    if (seen++ < offset) continue;
    if (items.size() >= limit) break;
    auto c = host_.cases().get(row.value("case_id", ""));
    items.push_back({{"row", row["row"]}, {"case_id", row["case_id"]}, {"name", row["name"]},
                     {"id_number", row["id_number"]}, {"exam_session", row["exam_session"]}, {"flags", row["flags"]},
                     {"flagged", flagged}, {"submitted", row.value("submitted", false)},
                     {"status", c ? c->status : "unknown"},
                     {"review_url", "/api/v1/review/" + row.value("case_id", "")}});
  }
  return HttpResponse::json(200, {{"batch_id", b->value("id", "")}, {"rows", items}, {"offset", offset}});
}

HttpResponse EnterpriseChannel::accept_clean(const sdk::HttpRequest& r) {
  auto b = visible_batch(r);
  if (!b) return error_of(b.error());
  std::lock_guard lock(batch_mu_);
  auto all = load_rows(b->value("id", ""));
  std::size_t accepted = 0;
  json left = json::array();
  const std::string comment = "enterprise batch " + b->value("id", "") + ": accepted as clean";
  for (const auto& row : all) {
    if (!row.value("submitted", false)) continue;
    std::string id = row.value("case_id", "");
    auto c = host_.cases().get(id);
    if (!c || c->status != "pending_review") continue;
    json entry = {{"row", row["row"]}, {"case_id", id}, {"flags", row["flags"]}};
    // Clean: no flag from the roster and every finding of the pipeline's latest run passed.
    auto findings = host_.cases().findings(id);
    if (!findings) {
      entry["code"] = findings.error().code;
      left.push_back(entry);
      continue;
    }
    json not_passed = json::array();
    for (const auto& f : *findings)
      if (f.outcome != "pass")
        not_passed.push_back({{"step", f.step}, {"verifier", f.verifier}, {"outcome", f.outcome}, {"reasons", f.reasons}});
    if (findings->empty()) entry["code"] = "NO_FINDINGS";
    if (!row["flags"].empty() || !not_passed.empty() || findings->empty()) {
      if (!not_passed.empty()) entry["findings"] = not_passed;
      left.push_back(entry);
      continue;
    }
    // The reviewer's decision, recorded as the single-case review records it.
    auto s = host_.cases().decide(id, true, {}, comment, r.actor);
    if (s) {
      ++accepted;
    } else {
      entry["code"] = s.error().code;
      left.push_back(entry);
    }
  }
  host_.logger().info("enterprise: batch " + b->value("id", "") + ": " + std::to_string(accepted) +
                      " clean cases accepted by " + r.actor.display);
  return HttpResponse::json(200, {{"batch_id", b->value("id", "")}, {"accepted", accepted}, {"left_for_review", left}});
}

// ---- HR bindings -----------------------------------------------------------------------

HttpResponse EnterpriseChannel::bind_hr_route(const sdk::HttpRequest& r) {
  const std::string& province = r.params.at("province");
  if (!r.actor.province.empty() && r.actor.province != province)
    return fail(403, "FORBIDDEN", "Only the province's own admins bind its HR accounts.", "只有本省管理员可以绑定本省人事账号。");
  auto body = json::parse(r.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return fail(400, "BODY_NOT_OBJECT", "The body must be a JSON object.", "请求体必须是 JSON 对象。");
  auto str = [&](const char* k) { return body.contains(k) && body[k].is_string() ? body[k].get<std::string>() : ""; };
  std::string user = str("user_id"), enterprise = str("enterprise_id");
  if (user.empty() || user.size() > 64)
    return fail(400, "MISSING_FIELD", "user_id (the HR account's user id) is required.", "请填写人事账号的用户编号 user_id。", "user_id");
  if (enterprise.empty() || enterprise.size() > 64)
    return fail(400, "MISSING_FIELD", "enterprise_id is required.", "请填写企业编号 enterprise_id。", "enterprise_id");
  // An account bound in another province stays there: its admins unbind it first.
  if (auto old = host_.records().get(kHrBindings, user); old && old->value("province", "") != province)
    return fail(409, "HR_BOUND_ELSEWHERE", "This account is bound to an enterprise of another province.",
                "该账号已绑定其他省份的企业。", "user_id");
  if (auto s = bind_hr(host_.records(), user, province, enterprise); !s) return HttpResponse::error(422, s.error());
  host_.logger().info("enterprise: HR account " + user + " bound to " + qualification_key(province, enterprise) + " by " +
                      r.actor.display);
  return HttpResponse::json(200, {{"user_id", user}, {"province", province}, {"enterprise_id", enterprise}});
}

HttpResponse EnterpriseChannel::unbind_hr_route(const sdk::HttpRequest& r) {
  const std::string& province = r.params.at("province");
  const std::string& user = r.params.at("user");
  if (!r.actor.province.empty() && r.actor.province != province)
    return fail(403, "FORBIDDEN", "Only the province's own admins bind its HR accounts.", "只有本省管理员可以绑定本省人事账号。");
  auto old = host_.records().get(kHrBindings, user);
  if (!old || old->value("province", "") != province)
    return fail(404, "HR_NOT_BOUND", "This account is not bound to an enterprise of this province.",
                "该账号未绑定本省企业。", "user");
  if (auto s = host_.records().remove(kHrBindings, user); !s) return error_of(s.error());
  host_.logger().info("enterprise: HR account " + user + " unbound from " + old->value("enterprise_id", "") + " by " +
                      r.actor.display);
  return HttpResponse::json(200, {{"user_id", user}, {"province", province}, {"unbound", old->value("enterprise_id", "")}});
}

}  // namespace shiming::enterprise
