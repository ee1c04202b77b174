#include "app/case_service.h"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <utility>

#include "app/api.h"
#include "app/hub.h"
#include "app/notifications.h"
#include "common/dates.h"
#include "common/random.h"
#include "core/case_state.h"
#include "core/image_check.h"
#include "crypto/digest.h"
#include "shiming/idnumber/id_number.h"
#include "shiming/sdk/pii.h"
#include "storage/sql_util.h"

namespace shiming {
namespace {

std::pair<std::string, std::string> document_name(const std::string& kind) {
  for (const auto& k : document_kinds())
    if (k.kind == kind) return {k.en, k.zh};
  return {"document '" + kind + "'", "材料（" + kind + "）"};
}

sdk::Error case_not_found() {
  return {"CASE_NOT_FOUND", "No such case.", "没有找到该认证申请。", ""};
}

bool valid_utf8_name(const std::string& s) {
  // JSON parsing already guarantees UTF-8; refuse control characters and ASCII digits.
  if (s.empty() || s.size() > 90) return false;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f || (c >= '0' && c <= '9') || c == '<' || c == '>') return false;
  return true;
}

std::string exam_date_of(Hub& hub, const std::string& province, const std::string& session) {
  auto snap = hub.rules().current();
  if (const auto* p = snap->province(province))
    if (const auto* s = p->session(session)) return format_date(s->exam_date);
  return {};
}

}  // namespace

const std::vector<DocumentKind>& document_kinds() {
  static const std::vector<DocumentKind> kinds = {
      {"id-front", "photo of the ID card's portrait side", "身份证人像面照片"},
      {"id-back", "photo of the ID card's emblem side", "身份证国徽面照片"},
      {"id-portrait", "ID card portrait", "身份证头像"},
      {"face", "face photo", "本人人脸照片"},
      {"liveness-video", "liveness video", "活体检测视频"},
      {"passport", "photo of the passport's data page", "护照资料页照片"},
      {"embassy-certificate", "embassy or consulate certification", "使领馆认证文件"},
      {"diploma", "scan of the diploma", "学历证书扫描件"},
      {"degree", "scan of the degree certificate", "学位证书扫描件"},
      {"household-register", "scan of the household register", "户口簿扫描件"},
      {"work-certificate", "scan of the employment certificate", "工作证明扫描件"},
      {"fingerprint", "fingerprint template", "指纹模板"},
      {"video-recording", "video speaking the challenge code", "朗读验证码的视频"},
  };
  return kinds;
}

sdk::CaseView to_view(const storage::CaseRecord& c, const std::string& exam_date) {
  sdk::CaseView v;
  v.id = c.id;
  v.province = c.province;
  v.channel = c.channel;
  v.exam_session = c.exam_session;
  v.exam_date = exam_date;
  v.status = c.status;
  v.candidate_id = c.candidate_id;
  v.identity = c.identity;
  if (c.due_at) v.due_at = format_time(*c.due_at);
  return v;
}

// ---- evidence ---------------------------------------------------------------

std::optional<sdk::Evidence> EvidenceAdapter::get(const std::string& case_id, std::string_view kind) {
  auto stored = hub_.evidence_repo.get(case_id, std::string(kind));
  if (!stored) return std::nullopt;
  sdk::Evidence e;
  e.kind = stored->meta.kind;
  e.content_type = stored->meta.content_type;
  e.data = std::move(stored->data);
  e.meta = std::move(stored->extra);
  return e;
}

sdk::Status EvidenceAdapter::put(const std::string& case_id, const sdk::Evidence& e) {
  return hub_.evidence_repo.put(case_id, e.kind, e.content_type, e.data, e.meta, hub_.clock().now());
}

std::vector<std::string> EvidenceAdapter::kinds(const std::string& case_id) {
  std::vector<std::string> out;
  for (const auto& m : hub_.evidence_repo.list(case_id)) out.push_back(m.kind);
  return out;
}

// ---- cases ------------------------------------------------------------------

sdk::Result<sdk::CaseView> CaseService::get(const std::string& case_id) {
  auto c = hub_.case_repo.get(case_id);
  if (!c) return case_not_found();
  return to_view(*c, exam_date_of(hub_, c->province, c->exam_session));
}

namespace {

// One request of open()/open_many() once the checks that need no database passed.
struct PreparedOpen {
  sdk::DeclaredIdentity identity;  // ID number normalised
  bool late = false;               // after the verification deadline (remediation only)
  TimePoint verification_deadline;
  int remediation_attempts = 0;
  int max_attempts = 0;
};

// Rules, roles, session, deadline and the declared identity's essentials.
sdk::Result<PreparedOpen> prepare_open(Hub& hub, const rules::RulesSnapshot& snap, const sdk::OpenCaseRequest& r,
                                       const sdk::Actor& actor, TimePoint now) {
  const auto* province = snap.province(r.province);
  if (!province)
    return sdk::Error{"PROVINCE_NOT_FOUND", "No such province: '" + r.province + "'.",
                      "没有该省份。", "province"};
  const auto* channel_rules = province->enabled_channel(r.channel);
  sdk::Channel* channel = hub.channel(r.channel);
  if (!channel_rules || !channel)
    return sdk::Error{"CHANNEL_DISABLED",
                      "The channel '" + r.channel + "' is not available in this province.",
                      "本省未开通该认证渠道。", "channel"};
  auto roles = channel->opener_roles();
  if (std::find(roles.begin(), roles.end(), actor.role) == roles.end())
    return sdk::Error{"FORBIDDEN", "You may not open a case on this channel.",
                      "您无权通过该渠道提交认证申请。", ""};
  // Staff and banks bound to a province open cases only there.
  if (actor.role != "citizen" && !actor.province.empty() && actor.province != r.province)
    return sdk::Error{"FORBIDDEN", "You may not open cases in another province.",
                      "您无权为其他省份办理认证。", "province"};
  const auto* session = province->session(r.exam_session);
  if (!session)
    return sdk::Error{"SESSION_NOT_FOUND", "No such exam session: '" + r.exam_session + "'.",
                      "没有该考试批次。", "exam_session"};
  // After the deadline only remediation (补实名) attempts, within the rules' window, are open.
  const bool late = now >= session->verification_deadline;
  if (late && now >= session->remediation_deadline())
    return sdk::Error{"VERIFICATION_CLOSED",
                      "Verification for this exam session closed at " +
                          format_time(session->remediation_deadline()) + ".",
                      "本次考试的实名认证已截止。", "exam_session"};

  // Declared identity: the GB 11643 essentials are checked at once so a typo
  // is fixed now, not after review; the pipeline's id_number step checks the rest.
  if (!valid_utf8_name(r.identity.name))
    return sdk::Error{"NAME_INVALID", "Enter your name exactly as printed on your ID card.",
                      "请按身份证上的姓名填写。", "name"};
  if (r.identity.sex != "M" && r.identity.sex != "F")
    return sdk::Error{"SEX_INVALID", "sex must be M or F.", "性别应为 M（男）或 F（女）。", "sex"};
  bool phone_ok = r.identity.phone.size() >= 7 && r.identity.phone.size() <= 20 &&
                  std::all_of(r.identity.phone.begin(), r.identity.phone.end(),
                              [](char ch) { return (ch >= '0' && ch <= '9') || ch == '+' || ch == '-'; });
  if (!phone_ok)
    return sdk::Error{"PHONE_INVALID", "Enter a valid phone number.", "请填写有效的电话号码。", "phone"};
  idnumber::Options opt;
  opt.today = china_date(now);
  auto id = idnumber::check(r.identity.id_number, opt);
  if (!id.valid) {
    for (const auto& chk : id.checks) {
      if (chk.ok || chk.rule == "region" || chk.rule == "age" || chk.rule == "sex") continue;
      auto advice = idnumber::advice_for(chk.code);
      return sdk::Error{chk.code,
                        std::string(advice.message.empty() ? "The ID number is not valid." : advice.message) +
                            (advice.en.empty() ? "" : " " + std::string(advice.en)),
                        std::string(advice.message_zh.empty() ? "身份证号码无效。" : advice.message_zh) +
                            std::string(advice.zh),
                        "id_number"};
    }
    return sdk::Error{"ID_FORMAT", "The ID number is not valid.", "身份证号码无效。", "id_number"};
  }
  PreparedOpen p;
  p.identity = r.identity;
  p.identity.id_number = id.normalized;
  p.late = late;
  p.verification_deadline = session->verification_deadline;
  p.remediation_attempts = session->remediation_attempts;
  p.max_attempts = channel_rules->max_attempts;
  return p;
}

}  // namespace

sdk::Result<sdk::OpenedCase> CaseService::open(const sdk::OpenCaseRequest& r, const sdk::Actor& actor) {
  auto results = open_many({r}, actor);
  return std::move(results.front());
}

std::vector<sdk::Result<sdk::OpenedCase>> CaseService::open_many(const std::vector<sdk::OpenCaseRequest>& requests,
                                                                 const sdk::Actor& actor) {
  std::vector<sdk::Result<sdk::OpenedCase>> out;
  out.reserve(requests.size());
  if (requests.empty()) return out;
  auto snap = hub_.rules().current();
  auto now = hub_.clock().now();
  std::vector<std::optional<PreparedOpen>> prepared(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    auto p = prepare_open(hub_, *snap, requests[i], actor, now);
    if (p) prepared[i] = std::move(*p);
    out.push_back(p ? sdk::Result<sdk::OpenedCase>(sdk::OpenedCase{}) : sdk::Result<sdk::OpenedCase>(p.error()));
  }

  // The database part: every request's candidate, duplicate and attempt checks, case and audit
  // record in one transaction (the body may run again when MariaDB picks it as a deadlock victim).
  std::lock_guard lock(open_mu_);
  std::vector<storage::CaseRecord> opened;  // parallel to out: id empty when not opened
  auto session = hub_.db().session();
  auto st = hub_.db().write_transaction(*session, [&](soci::session& tx) -> sdk::Status {
    opened.assign(requests.size(), storage::CaseRecord{});
    std::vector<storage::AuditEntry> audit;
    // A few statements per chunk, not per request: the candidates of every request by keyed hash
    // (one SELECT per province), the new ones in multi-row INSERTs, every earlier case of the
    // known ones (one SELECT), then the cases and their audit records in multi-row INSERTs.
    std::vector<std::string> key(requests.size());  // province + '\n' + keyed hash
    std::map<std::string, std::vector<std::string>> hashes;  // province -> hashes
    for (std::size_t i = 0; i < requests.size(); ++i) {
      if (!prepared[i]) continue;
      if (requests[i].province.size() > 32) {
        out[i] = sdk::make_error("BAD_PROVINCE", "province must be 1..32 characters", "省份代码无效", "province");
        prepared[i].reset();
        continue;
      }
      std::string h = hub_.candidates.hash_of(prepared[i]->identity.id_number);
      key[i] = requests[i].province + "\n" + h;
      hashes[requests[i].province].push_back(std::move(h));
    }
    std::unordered_map<std::string, std::string> candidate_of;  // key -> candidate id
    for (const auto& [province, list] : hashes)
      for (auto& [h, id] : hub_.candidates.ids_by_hash(tx, province, list)) candidate_of[province + "\n" + h] = id;
    std::vector<std::string> known;
    known.reserve(candidate_of.size());
    for (const auto& [k, id] : candidate_of) known.push_back(id);
    std::vector<storage::Candidate> fresh;
    std::vector<std::size_t> fresh_from;  // the request each new candidate comes from
    for (std::size_t i = 0; i < requests.size(); ++i) {
      if (!prepared[i] || candidate_of.count(key[i])) continue;
      storage::Candidate c;
      c.id = random_id();
      c.province = requests[i].province;
      c.id_hash = key[i].substr(key[i].find('\n') + 1);
      c.name = prepared[i]->identity.name;
      c.id_number = storage::CandidateRepo::normalise_id_number(prepared[i]->identity.id_number);
      c.phone = prepared[i]->identity.phone;
      c.sex = prepared[i]->identity.sex;
      c.created_at = std::chrono::time_point_cast<std::chrono::seconds>(now);
      candidate_of[key[i]] = c.id;
      fresh.push_back(std::move(c));
      fresh_from.push_back(i);
    }
    try {
      hub_.candidates.insert_many(tx, fresh);
    } catch (const std::exception& e) {
      // Another host created one of these people in between (only that statement was rolled
      // back): one by one, as open() does, taking the existing candidate where there is one.
      if (!storage::sql::is_duplicate_key(e)) throw;
      for (std::size_t i : fresh_from) {
        auto found = hub_.candidates.find_or_create(tx, requests[i].province, prepared[i]->identity, now);
        if (!found) return found.error();
        candidate_of[key[i]] = found->id;
        known.push_back(found->id);  // it may already have cases (opened by that host)
      }
    }
    auto earlier_cases = hub_.case_repo.list_for_candidates(tx, known);
    std::vector<storage::CaseRecord> to_insert;
    for (std::size_t i = 0; i < requests.size(); ++i) {
      if (!prepared[i]) continue;
      const auto& r = requests[i];
      const auto& p = *prepared[i];
      const std::string candidate_id = candidate_of[key[i]];
      int attempt = 1;
      std::optional<sdk::Error> refusal;
      auto& earlier_list = earlier_cases[candidate_id];
      for (const auto& earlier : earlier_list) {
        if (earlier.exam_session != r.exam_session) continue;
        if (earlier.status == case_status::kVerified) {
          refusal = sdk::Error{"ALREADY_VERIFIED", "You are already verified for this exam session.",
                               "您已完成本次考试的实名认证（已实名）。", ""};
          break;
        }
        if (!is_final_status(earlier.status)) {
          refusal = sdk::Error{"CASE_EXISTS",
                               "A verification case for this ID number is already in progress. Use the "
                               "link you received when you opened it, or call the hotline.",
                               "该身份证号码已有进行中的认证申请，请使用当时获得的链接继续，或拨打咨询电话。",
                               "id_number"};
          break;
        }
        attempt = std::max(attempt, earlier.attempt + 1);
      }
      if (!refusal && p.late && attempt == 1)
        refusal = sdk::Error{"VERIFICATION_CLOSED",
                             "Verification for this exam session closed at " + format_time(p.verification_deadline) +
                                 "; only candidates whose verification was rejected or expired may still remedy it.",
                             "本次考试的实名认证已截止，仅认证未通过或已过期的考生可补实名。", "exam_session"};
      if (!refusal && attempt - 1 > p.remediation_attempts)
        refusal = sdk::Error{"REMEDIATION_LIMIT_REACHED",
                             "You have used all " + std::to_string(p.remediation_attempts) +
                                 " remediation attempts for this exam session. Please contact the exam office.",
                             "本次考试的补实名次数已用完，请联系考试机构。", ""};
      if (!refusal && attempt > p.max_attempts)
        refusal = sdk::Error{"TOO_MANY_ATTEMPTS",
                             "You have used all " + std::to_string(p.max_attempts) +
                                 " online attempts. Please go to a provincial exam office in person.",
                             "线上认证次数已用完，请携带身份证原件到省考试机构现场办理。", ""};
      if (refusal) {
        out[i] = *refusal;
        continue;
      }
      storage::CaseRecord c;
      c.id = random_id();
      c.candidate_id = candidate_id;
      c.province = r.province;
      c.channel = r.channel;
      c.exam_session = r.exam_session;
      c.status = case_status::kCollecting;
      std::string token = "ct_" + random_token(24);
      c.citizen_token_hash = crypto::sha256_hex(token);
      c.identity = p.identity;
      c.attempt = attempt;
      c.created_at = c.updated_at = now;
      earlier_list.push_back(c);  // a second request for the same person in this chunk sees it
      to_insert.push_back(c);
      storage::AuditEntry a;
      a.created_at = now;
      a.actor_role = actor.role;
      a.actor_id = actor.id;
      a.province = c.province;
      a.case_id = c.id;
      a.action = attempt > 1 ? "case_reopened" : "case_opened";
      a.from_status = a.to_status = c.status;
      a.reason = "attempt " + std::to_string(attempt);
      audit.push_back(std::move(a));
      out[i] = sdk::OpenedCase{c.id, c.candidate_id, token};
      opened[i] = std::move(c);
    }
    hub_.case_repo.insert_many(tx, to_insert);
    return hub_.audit.append_in(tx, audit);
  });
  if (!st) {
    // Nothing of this call was written: every request that passed the checks fails with the cause.
    for (std::size_t i = 0; i < requests.size(); ++i)
      if (prepared[i]) out[i] = st.error();
    log_event(spdlog::level::err, "cases not opened", {{"count", requests.size()}, {"error", st.error().message}});
    return out;
  }
  for (const auto& c : opened) {
    if (c.id.empty()) continue;
    log_event(spdlog::level::info, "case opened",
              {{"case", c.id}, {"province", c.province}, {"channel", c.channel},
               {"id_number", sdk::mask_id_number(c.identity.id_number)}, {"attempt", c.attempt}});
  }
  return out;
}

sdk::Result<std::vector<sdk::FindingSummary>> CaseService::findings(const std::string& case_id) {
  if (!hub_.case_repo.get(case_id)) return case_not_found();
  // The findings of the latest pipeline run, as the case view shows them.
  auto all = hub_.findings.list(case_id);
  std::string last_run = all.empty() ? "" : all.back().job_id;
  std::vector<sdk::FindingSummary> out;
  for (const auto& f : all) {
    if (f.job_id != last_run) continue;
    sdk::FindingSummary s{f.step, f.verifier, f.outcome, {}};
    for (const auto& r : f.reasons)
      if (r.is_string()) s.reasons.push_back(r.get<std::string>());
      else if (r.is_object()) s.reasons.push_back(r.value("code", ""));
    out.push_back(std::move(s));
  }
  return out;
}

sdk::Result<sdk::DocumentPolicy> CaseService::document_policy(const storage::CaseRecord& c,
                                                              const std::string& kind) {
  sdk::Channel* channel = hub_.channel(c.channel);
  auto settings = hub_.channel_settings(c.province, c.channel);
  if (!channel || !settings)
    return sdk::Error{"CHANNEL_DISABLED", "This channel is no longer available.",
                      "该认证渠道已停用。", ""};
  for (auto& p : channel->documents(*settings))
    if (p.kind == kind) return p;
  return sdk::Error{"UNKNOWN_DOCUMENT_KIND", "This channel does not accept a document '" + kind + "'.",
                    "该渠道不接受此类材料。", "kind"};
}

sdk::Status CaseService::attach(const std::string& case_id, sdk::Evidence e, const sdk::Actor& actor) {
  auto c = hub_.case_repo.get(case_id);
  if (!c) return case_not_found();
  if (c->status != case_status::kCollecting)
    return sdk::Error{"CASE_NOT_EDITABLE",
                      "Documents can only be changed before the case is submitted.",
                      "申请提交后不能再修改材料。", ""};
  auto policy = document_policy(*c, e.kind);
  if (!policy) return policy.error();
  if (e.data.size() > policy->max_bytes)
    return sdk::Error{"BODY_TOO_LARGE",
                      "The file is too large (limit " + std::to_string(policy->max_bytes / 1024 / 1024) + " MB).",
                      "文件过大。", "body"};
  if (e.data.empty())
    return sdk::Error{"EMPTY_DOCUMENT", "The upload is empty.", "上传的文件为空。", "body"};
  std::string ct = e.content_type.substr(0, e.content_type.find(';'));
  if (std::find(policy->content_types.begin(), policy->content_types.end(), ct) == policy->content_types.end())
    return sdk::Error{"UNSUPPORTED_MEDIA_TYPE", "This document must be one of the accepted file types.",
                      "文件类型不受支持。", "Content-Type"};
  if (ct.rfind("image/", 0) == 0) {
    ImageLimits limits;
    limits.max_pixels = policy->max_pixels;
    auto info = check_image(ct, std::string_view(reinterpret_cast<const char*>(e.data.data()), e.data.size()), limits);
    if (!info) return info.error();
    e.meta["width"] = info->width;
    e.meta["height"] = info->height;
  }
  e.content_type = ct;
  e.meta["uploaded_at"] = format_time(hub_.clock().now());
  if (auto s = evidence_.put(case_id, e); !s) return s;
  audit_event(*c, actor, "document_uploaded", e.kind);
  return {};
}

sdk::Status CaseService::submit(const std::string& case_id, const sdk::Actor& actor) {
  auto c = hub_.case_repo.get(case_id);
  if (!c) return case_not_found();
  if (c->status != case_status::kCollecting)
    return check_transition(c->status, case_status::kSubmitted, actor.role);
  sdk::Channel* channel = hub_.channel(c->channel);
  auto snap = hub_.rules().current();
  const auto* province = snap->province(c->province);
  const auto* rules = province ? province->enabled_channel(c->channel) : nullptr;
  if (!channel || !rules)
    return sdk::Error{"CHANNEL_DISABLED", "This channel is no longer available.", "该认证渠道已停用。", ""};
  auto present = evidence_.kinds(case_id);
  for (const auto& p : channel->documents(rules->settings))
    if (p.required && std::find(present.begin(), present.end(), p.kind) == present.end())
    {
      const auto [en, zh] = document_name(p.kind);
      return sdk::Error{"MISSING_DOCUMENT", "Upload the " + en + " before submitting.",
                        "提交前请先上传" + zh + "。", p.kind};  // `field` keeps the kind for programs
    }
  auto view = to_view(*c, exam_date_of(hub_, c->province, c->exam_session));
  if (auto s = channel->check_submit(view, present, rules->settings); !s) {
    note_submit_requirement_code(s.error().code);
    return s;
  }

  auto now = hub_.clock().now();
  int sla = rules->sla_working_days > 0 ? rules->sla_working_days : channel->default_sla_working_days();
  if (auto s = transition_record(*c, case_status::kSubmitted, actor, "submitted"); !s) return s;
  (void)hub_.case_repo.set_submitted_at(c->id, now);
  (void)hub_.case_repo.set_due_at(c->id, province->calendar.add_working_days(now, sla), now);
  auto job = hub_.jobs.enqueue(c->id, "pipeline", c->expedited ? 10 : 0, now, now);
  if (!job) return job.error();
  return {};
}

sdk::Status CaseService::transition(const std::string& case_id, const std::string& to,
                                    const sdk::Actor& actor, const std::string& reason) {
  auto c = hub_.case_repo.get(case_id);
  if (!c) return case_not_found();
  return transition_record(*c, to, actor, reason);
}

sdk::Status CaseService::transition_record(storage::CaseRecord& c, const std::string& to,
                                           const sdk::Actor& actor, const std::string& reason) {
  if (auto s = check_transition(c.status, to, actor.role); !s) return s;
  auto now = hub_.clock().now();
  if (auto s = hub_.case_repo.update_status(c.id, c.status, to, now); !s) return s;
  if (is_final_status(to)) (void)hub_.case_repo.set_decided_at(c.id, now);
  append_audit(c, actor, "status_changed", to, reason);
  hub_.notifications().on_status_change(c, to, now);
  log_event(spdlog::level::info, "case status changed",
            {{"case", c.id}, {"from", c.status}, {"to", to}, {"actor", actor.role}});
  c.status = to;
  return {};
}

void CaseService::audit_event(const storage::CaseRecord& c, const sdk::Actor& actor,
                              const std::string& action, const std::string& reason) {
  append_audit(c, actor, action, c.status, reason);
}

void CaseService::append_audit(const storage::CaseRecord& c, const sdk::Actor& actor,
                               const std::string& action, const std::string& to,
                               const std::string& reason) {
  storage::AuditEntry a;
  a.created_at = hub_.clock().now();
  a.actor_role = actor.role;
  a.actor_id = actor.id;
  a.province = c.province;
  a.case_id = c.id;
  a.action = action;
  a.from_status = c.status;
  a.to_status = to;
  a.reason = reason;
  auto appended = hub_.audit.append(a);
  if (!appended)
    log_event(spdlog::level::err, "audit append failed", {{"case", c.id}, {"error", appended.error().message}});
}

sdk::Result<std::string> CaseService::find_by_id_number(const std::string& province,
                                                        const std::string& id_number) {
  auto cand = hub_.candidates.find_id(province, id_number);
  if (!cand) return case_not_found();
  auto latest = hub_.case_repo.latest_for_candidate(*cand);
  if (!latest) return case_not_found();
  return *latest;
}

sdk::Result<std::unordered_map<std::string, std::string>> CaseService::find_by_id_numbers(
    const std::string& province, const std::vector<std::string>& id_numbers) {
  auto candidates = hub_.candidates.find_ids(province, id_numbers);
  if (!candidates) return candidates.error();
  std::vector<std::string> ids;
  ids.reserve(candidates->size());
  for (const auto& [n, id] : *candidates) ids.push_back(id);
  auto latest = hub_.case_repo.latest_for_candidates(ids);
  if (!latest) return latest.error();
  std::unordered_map<std::string, std::string> out;
  for (const auto& [n, id] : *candidates)
    if (auto it = latest->find(id); it != latest->end()) out[n] = it->second;
  return out;
}

sdk::Result<std::string> reissue_citizen_token(storage::Database& db, storage::CaseRepo& cases,
                                               storage::AuditLog& audit, const std::string& case_id,
                                               const sdk::Actor& actor, const std::string& reason, TimePoint now) {
  auto c = cases.get(case_id);
  if (!c) return case_not_found();
  std::string token = "ct_" + random_token(24);
  auto session = db.session();
  auto st = db.write_transaction(*session, [&](soci::session& tx) -> sdk::Status {
    if (auto s = cases.set_citizen_token_hash(tx, case_id, crypto::sha256_hex(token), now); !s) return s;
    std::vector<storage::AuditEntry> entries(1);
    auto& a = entries.front();
    a.created_at = now;
    a.actor_role = actor.role;
    a.actor_id = actor.id;
    a.province = c->province;
    a.case_id = c->id;
    a.action = "citizen_token_reissued";
    a.from_status = a.to_status = c->status;
    a.reason = reason;
    return audit.append_in(tx, entries);
  });
  if (!st) return st.error().code == "NOT_FOUND" ? case_not_found() : st.error();
  log_event(spdlog::level::info, "citizen token reissued", {{"case", c->id}, {"by", actor.role + ":" + actor.id}});
  return token;
}

sdk::Result<std::string> CaseService::reissue_citizen_token(const std::string& case_id, const sdk::Actor& actor,
                                                            const std::string& reason) {
  return shiming::reissue_citizen_token(hub_.db(), hub_.case_repo, hub_.audit, case_id, actor, reason,
                                        hub_.clock().now());
}

sdk::Status CaseService::decide(const std::string& case_id, bool approve,
                                const std::vector<std::string>& reasons, const std::string& comment,
                                const sdk::Actor& actor) {
  auto c = hub_.case_repo.get(case_id);
  if (!c) return case_not_found();
  std::string to = approve ? case_status::kVerified : case_status::kRejected;
  std::string why = approve ? "approved" : "rejected";
  for (const auto& r : reasons) why += " " + r;
  if (auto s = transition_record(*c, to, actor, why); !s) return s;
  storage::DecisionRecord d;
  d.case_id = case_id;
  d.actor_id = actor.id;
  d.decision = to;
  d.reasons = reasons;
  d.comment = comment;
  d.created_at = hub_.clock().now();
  auto appended = hub_.decisions.append(d);
  if (!appended) return appended.error();
  return {};
}

}  // namespace shiming
