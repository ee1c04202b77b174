// The printable receipt (回执): HTML from the mustache template in templates/receipt/ (compiled in; kainjow mustache),
// PDF and QR code from the shared signed-document library (sdk/print).
#pragma once

#include <string>
#include <vector>

#include <shiming/sdk/result.h>

namespace shiming::window {

struct ReceiptLine {
  std::string zh, en;
};

struct ReceiptView {
  std::string case_id, province_name, office_name, office_name_en, office_address, clerk_id, issued_at;
  std::string masked_name, masked_id_number, exam_session, status, status_zh;
  std::vector<ReceiptLine> checked, captured;
  std::string token;     // the signed token the QR code carries
  std::string qr_text;   // what the QR encodes (a verify URL or the token itself)
};

// `tmpl` is the mustache template text (default: templates/receipt/receipt.html.mustache).
sdk::Result<std::string> render_receipt_html(const ReceiptView& v, const std::string& tmpl);
const std::string& default_receipt_template();

// A4 PDF (print::render_signed_pdf). Errors QR_FAILED, PDF_FAILED.
sdk::Result<std::string> render_receipt_pdf(const ReceiptView& v);

}  // namespace shiming::window
