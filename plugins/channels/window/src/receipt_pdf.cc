#include "receipt_render.h"
#include "shiming/print/signed_pdf.h"

namespace shiming::window {

sdk::Result<std::string> render_receipt_pdf(const ReceiptView& v) {
  print::SignedPdf doc;
  doc.title = v.province_name + " 软考实名认证回执";
  doc.subtitle = "Computer qualification exam: identity verification receipt";
  std::string checked, captured;
  for (const auto& l : v.checked) checked += (checked.empty() ? "" : "\n") + l.zh + " / " + l.en;
  for (const auto& l : v.captured) captured += (captured.empty() ? "" : "\n") + l.zh + " / " + l.en;
  doc.rows.push_back({"回执编号 / Case number", v.case_id});
  doc.rows.push_back({"办理地点 / Office", v.office_name + (v.office_name_en.empty() ? "" : "\n" + v.office_name_en)});
  if (!v.office_address.empty()) doc.rows.push_back({"地址 / Address", v.office_address});
  doc.rows.push_back({"经办人 / Clerk", v.clerk_id});
  doc.rows.push_back({"办理时间 / Time", v.issued_at});
  doc.rows.push_back({"姓名 / Name", v.masked_name});
  doc.rows.push_back({"身份证号 / ID number", v.masked_id_number});
  doc.rows.push_back({"考试 / Exam session", v.exam_session});
  doc.rows.push_back({"状态 / Status", v.status_zh + " / " + v.status});
  doc.rows.push_back({"已核验原件 / Originals checked", checked});
  doc.rows.push_back({"现场采集 / Captured", captured.empty() ? "—" : captured});
  doc.note = "扫描二维码可离线核验本回执的真伪。Scan the QR code to check that this receipt is genuine.";
  doc.token = v.token;
  doc.qr_text = v.qr_text;
  return print::render_signed_pdf(doc);
}

}  // namespace shiming::window
