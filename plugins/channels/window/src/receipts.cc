// Receipts (回执): signed token, HTML and PDF views, offline verification.
#include "receipt_render.h"
#include "window_channel.h"

namespace shiming::window {
namespace {

const char* status_zh(const std::string& s) {
  if (s == "collecting") return "资料提交中";
  if (s == "submitted") return "核验中";
  if (s == "pending_review") return "待审核";
  if (s == "verified") return "已实名";
  if (s == "rejected") return "未通过";
  if (s == "expired") return "未认证（已过期）";
  return "未知";
}

}  // namespace

sdk::HttpResponse WindowChannel::receipt(const sdk::HttpRequest& r) {
  auto c = clerk_case(r);
  if (!c) return fail(404, c.error());
  auto rec = host_.records().get("window_counter", c->id);
  if (!rec || !rec->contains("originals"))
    return fail(409, "ORIGINALS_NOT_RECORDED", "Record the originals checked before printing a receipt.",
                "打印回执前请先登记已核验的原件。", "originals");
  if (c->status == "collecting")
    return fail(409, "CASE_NOT_SUBMITTED", "Submit the case before printing its receipt.", "请先提交申请再打印回执。");
  std::string format = r.query.count("format") ? r.query.at("format") : "html";
  if (format != "html" && format != "pdf" && format != "json")
    return fail(400, "FORMAT_INVALID", "format must be html, pdf or json.", "format 应为 html、pdf 或 json。", "format");

  ReceiptView v;
  v.case_id = c->id;
  v.province_name = c->province;
  std::string office_id = rec->value("office_id", "");
  v.office_name = office_id;
  if (auto s = settings_of(c->province); s && s->office(office_id)) {
    const Office* o = s->office(office_id);
    v.office_name = o->name;
    v.office_name_en = o->name_en;
    v.office_address = o->address;
  }
  v.clerk_id = rec->value("clerk_id", r.actor.id);
  v.issued_at = now_text();
  v.masked_name = sdk::mask_name(c->identity.name);
  v.masked_id_number = sdk::mask_id_number(c->identity.id_number);
  v.exam_session = c->exam_session;
  v.status = c->status;
  v.status_zh = status_zh(c->status);
  std::vector<std::string> codes = (*rec)["originals"].get<std::vector<std::string>>();
  for (const auto& code : codes) {
    const auto* k = original_kind(code);
    v.checked.push_back({k ? k->zh : code, k ? k->en : code});
  }
  nlohmann::json captured = nlohmann::json::array();
  if (rec->contains("face")) { v.captured.push_back({"现场人脸照片", "face photo"}); captured.push_back("face"); }
  if (rec->contains("fingerprint")) {
    v.captured.push_back({"指纹（质量 " + std::to_string((*rec)["fingerprint"].value("quality", 0)) + "）",
                          "fingerprint (quality " + std::to_string((*rec)["fingerprint"].value("quality", 0)) + ")"});
    captured.push_back("fingerprint");
  }
  nlohmann::json payload = {{"v", 1}, {"case", c->id}, {"province", c->province}, {"office", office_id},
                            {"clerk", v.clerk_id}, {"at", v.issued_at}, {"name", v.masked_name},
                            {"id_number", v.masked_id_number}, {"session", c->exam_session},
                            {"status", c->status}, {"checked", codes}, {"captured", captured}};
  v.token = sign_receipt(payload, keys_);
  v.qr_text = verify_url_base_.empty() ? v.token : verify_url_base_ + "?token=" + v.token;

  if (format == "json")
    return sdk::HttpResponse::json(200, {{"token", v.token}, {"receipt", payload}, {"key_id", keys_.key_id()}});
  auto out = format == "pdf" ? render_receipt_pdf(v) : render_receipt_html(v, receipt_template_);
  if (!out) return fail(500, out.error());
  sdk::HttpResponse resp;
  resp.status = 200;
  resp.content_type = format == "pdf" ? "application/pdf" : "text/html; charset=utf-8";
  resp.body = std::move(*out);
  resp.headers.emplace_back("X-Receipt-Token", v.token);
  if (format == "pdf") resp.headers.emplace_back("Content-Disposition", "inline; filename=\"receipt-" + c->id + ".pdf\"");
  return resp;
}

sdk::HttpResponse WindowChannel::verify_receipt_route(const sdk::HttpRequest& r) {
  auto it = r.query.find("token");
  if (it == r.query.end() || it->second.empty())
    return fail(400, "MISSING_FIELD", "Give the receipt token (?token=...).", "请提供回执凭证。", "token");
  auto v = verify_receipt(it->second, keys_.public_key);
  if (!v) return fail(v.error().code == "RECEIPT_TOKEN_MALFORMED" ? 400 : 422, v.error());
  return sdk::HttpResponse::json(200, {{"valid", true}, {"receipt", *v}});
}

sdk::HttpResponse WindowChannel::public_key(const sdk::HttpRequest&) {
  std::string pk(reinterpret_cast<const char*>(keys_.public_key.data()), keys_.public_key.size());
  return sdk::HttpResponse::json(200, {{"algorithm", "Ed25519"}, {"key_id", keys_.key_id()},
                                       {"public_key", base64_encode(pk)}});
}

}  // namespace shiming::window
