// The counter flow: find the case, record the originals checked, capture face and fingerprint.
#include <algorithm>

#include "counter_context.h"
#include "iso19794.h"
#include "window_channel.h"

namespace shiming::window {
namespace {

nlohmann::json finding_json(const sdk::Finding& f) {
  nlohmann::json reasons = nlohmann::json::array();
  for (const auto& r : f.reasons)
    reasons.push_back({{"code", r.code}, {"message", r.message}, {"message_zh", r.message_zh}});
  return {{"outcome", sdk::to_string(f.outcome)}, {"score", f.score}, {"reasons", reasons}};
}

int status_for(const sdk::Error& e) {
  if (e.code == "CASE_NOT_FOUND") return 404;
  if (e.code == "CASE_NOT_EDITABLE" || e.code == "ILLEGAL_TRANSITION") return 409;
  if (e.code == "BODY_TOO_LARGE") return 413;
  if (e.code == "UNSUPPORTED_MEDIA_TYPE") return 415;
  if (e.code == "FORBIDDEN" || e.code == "FORBIDDEN_TRANSITION") return 403;
  return 422;
}

}  // namespace

sdk::HttpResponse WindowChannel::lookup(const sdk::HttpRequest& r) {
  auto body = json_body(r);
  if (!body) return fail(400, body.error());
  std::string id_number = body->value("id_number", "");
  std::string province = r.actor.province.empty() ? body->value("province", "") : r.actor.province;
  if (id_number.empty() || province.empty())
    return fail(400, "MISSING_FIELD", "Give the candidate's ID number.", "请提供考生身份证号码。", "id_number");
  auto found = host_.cases().find_by_id_number(province, id_number);
  if (!found) return fail(404, "CASE_NOT_FOUND", "No case for this ID number in your province.", "本省没有该身份证号码的认证申请。", "id_number");
  auto c = host_.cases().get(*found);
  if (!c) return fail(404, c.error());
  return sdk::HttpResponse::json(200, {{"case_id", c->id}, {"channel", c->channel}, {"status", c->status},
                                       {"exam_session", c->exam_session}, {"name", sdk::mask_name(c->identity.name)},
                                       {"id_number", sdk::mask_id_number(c->identity.id_number)}});
}

sdk::HttpResponse WindowChannel::counter_state(const sdk::HttpRequest& r) {
  auto c = clerk_case(r);
  if (!c) return fail(404, c.error());
  auto rec = host_.records().get("window_counter", c->id).value_or(nlohmann::json::object());
  auto s = settings_of(c->province);
  nlohmann::json missing = nlohmann::json::array();
  if (s) {
    auto checked = rec.value("originals", std::vector<std::string>{});
    for (const auto& req : s->required_originals)
      if (std::find(checked.begin(), checked.end(), req) == checked.end()) missing.push_back(req);
  }
  return sdk::HttpResponse::json(200, {{"case_id", c->id}, {"status", c->status}, {"counter", rec},
                                       {"missing_originals", missing}, {"evidence", host_.evidence().kinds(c->id)}});
}

sdk::HttpResponse WindowChannel::record_originals(const sdk::HttpRequest& r) {
  auto c = clerk_case(r);
  if (!c) return fail(404, c.error());
  if (c->status != "collecting")
    return fail(409, "CASE_NOT_EDITABLE", "The case was already submitted.", "申请已提交，不能再修改。");
  auto s = settings_of(c->province);
  if (!s) return fail(409, s.error());
  auto body = json_body(r);
  if (!body) return fail(400, body.error());
  std::string office_id = body->value("office_id", "");
  if (!s->office(office_id))
    return fail(400, "OFFICE_NOT_FOUND", "Give the id of your office in this province.", "请填写本省的办理点编号。", "office_id");
  auto checked_it = body->find("checked");
  if (checked_it == body->end() || !checked_it->is_array() || checked_it->empty())
    return fail(400, "MISSING_FIELD", "List the originals checked (e.g. [\"id_card\"]).", "请列出已核验的原件。", "checked");
  std::vector<std::string> checked;
  for (const auto& o : *checked_it) {
    if (!o.is_string() || !original_kind(o.get<std::string>()))
      return fail(400, "UNKNOWN_ORIGINAL", "Unknown original " + o.dump() + ".", "未知的原件类型。", "checked");
    if (std::find(checked.begin(), checked.end(), o) == checked.end()) checked.push_back(o);
  }
  if (std::find(checked.begin(), checked.end(), "id_card") == checked.end())
    return fail(422, "MISSING_ORIGINALS", "The ID card original must always be checked.", "必须核验居民身份证原件。", "checked");
  std::vector<std::string> missing;
  for (const auto& req : s->required_originals)
    if (std::find(checked.begin(), checked.end(), req) == checked.end()) missing.push_back(req);
  auto rec = host_.records().get("window_counter", c->id).value_or(nlohmann::json::object());
  rec["office_id"] = office_id;
  rec["clerk_id"] = r.actor.id;
  rec["originals"] = checked;
  rec["checked_at"] = now_text();
  if (auto st = host_.records().put("window_counter", c->id, rec); !st) return fail(500, st.error());
  host_.logger().info("window: originals recorded for case " + c->id + " by clerk " + r.actor.id);
  return sdk::HttpResponse::json(200, {{"case_id", c->id}, {"originals", checked}, {"missing_originals", missing}});
}

sdk::HttpResponse WindowChannel::capture_face(const sdk::HttpRequest& r) {
  auto c = clerk_case(r);
  if (!c) return fail(404, c.error());
  sdk::Evidence e;
  e.kind = sdk::evidence_kind::kFace;
  e.content_type = std::string(r.header("Content-Type"));
  e.data.assign(r.body.begin(), r.body.end());
  e.meta = {{"captured_at", "counter"}, {"clerk", r.actor.id}};
  if (auto st = host_.cases().attach(c->id, std::move(e), r.actor); !st) return fail(status_for(st.error()), st.error());

  // Immediate feedback at the counter; the pipeline runs its own steps after submission.
  CounterContext ctx(host_, *c);
  nlohmann::json checks = nlohmann::json::object();
  for (const char* name : {"face_quality", "face_match"}) {
    sdk::Verifier* v = host_.verifier(name);
    if (!v) { checks[name] = {{"outcome", "not_available"}}; continue; }
    if (std::string(name) == "face_match" && !host_.evidence().get(c->id, sdk::evidence_kind::kIdFront)) {
      checks[name] = {{"outcome", "not_run"}, {"why", "no ID card scan yet"}};
      continue;
    }
    sdk::Finding f = v->verify(ctx);
    ctx.add(f);
    checks[name] = finding_json(f);
  }
  auto rec = host_.records().get("window_counter", c->id).value_or(nlohmann::json::object());
  rec["face"] = {{"captured_at", now_text()}, {"clerk_id", r.actor.id}, {"checks", checks}};
  if (auto st = host_.records().put("window_counter", c->id, rec); !st) return fail(500, st.error());
  return sdk::HttpResponse::json(200, {{"case_id", c->id}, {"checks", checks}});
}

sdk::HttpResponse WindowChannel::capture_fingerprint(const sdk::HttpRequest& r) {
  auto c = clerk_case(r);
  if (!c) return fail(404, c.error());
  std::vector<std::uint8_t> bytes(r.body.begin(), r.body.end());
  auto parsed = parse_iso19794_2(bytes);
  if (!parsed) return fail(422, parsed.error());
  int quality = parsed->quality();
  std::size_t minutiae = 0;
  for (const auto& v : parsed->views) minutiae += v.minutiae.size();
  sdk::Evidence e;
  e.kind = sdk::evidence_kind::kFingerprint;
  e.content_type = "application/octet-stream";
  e.data = std::move(bytes);
  e.meta = {{"format", "ISO/IEC 19794-2:2005"}, {"quality", quality}, {"views", parsed->views.size()},
            {"minutiae", minutiae}, {"device", std::string(r.header("X-Capture-Device"))}};
  if (auto st = host_.cases().attach(c->id, std::move(e), r.actor); !st) return fail(status_for(st.error()), st.error());
  auto rec = host_.records().get("window_counter", c->id).value_or(nlohmann::json::object());
  rec["fingerprint"] = {{"captured_at", now_text()}, {"quality", quality}, {"minutiae", minutiae},
                        {"views", parsed->views.size()}};
  if (auto st = host_.records().put("window_counter", c->id, rec); !st) return fail(500, st.error());
  return sdk::HttpResponse::json(200, {{"case_id", c->id}, {"quality", quality}, {"minutiae", minutiae},
                                       {"format", "ISO/IEC 19794-2:2005"}});
}

}  // namespace shiming::window
