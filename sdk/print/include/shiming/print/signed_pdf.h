// A one-page A4 PDF of a signed document (window receipt, admission ticket): title, labelled
// rows, a note, the token in small print and its QR code in the top right corner. Drawn with
// cairo/pango (CJK fonts embedded by cairo).
#pragma once

#include <string>
#include <vector>

#include <shiming/sdk/result.h>

namespace shiming::print {

struct PdfRow {
  std::string label, value;  // "回执编号 / Case number", ...; a value may hold line breaks
};

struct SignedPdf {
  std::string title, subtitle;
  std::vector<PdfRow> rows;
  std::string note;     // under the rows, e.g. how to check the QR code
  std::string token;    // printed in small type
  std::string qr_text;  // what the QR code carries (a verify URL or the token itself)
};

// Errors: QR_FAILED, PDF_FAILED.
sdk::Result<std::string> render_signed_pdf(const SignedPdf& doc);

}  // namespace shiming::print
