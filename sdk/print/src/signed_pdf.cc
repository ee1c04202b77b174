#include "shiming/print/signed_pdf.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <memory>

#include "shiming/print/qr.h"

namespace shiming::print {
namespace {

constexpr double kA4W = 595.28, kA4H = 841.89, kMargin = 56.0;

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// Draws text at (x, y) in the CJK font; returns the height used.
double text(cairo_t* cr, double x, double y, double width, const std::string& s, int size_pt, bool bold = false) {
  std::unique_ptr<PangoLayout, void (*)(gpointer)> layout(pango_cairo_create_layout(cr), g_object_unref);
  std::string font = std::string("Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif ") + (bold ? "Bold " : "") +
                     std::to_string(size_pt);
  PangoFontDescription* desc = pango_font_description_from_string(font.c_str());
  pango_layout_set_font_description(layout.get(), desc);
  pango_font_description_free(desc);
  pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
  pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text(layout.get(), s.c_str(), static_cast<int>(s.size()));
  cairo_move_to(cr, x, y);
  pango_cairo_show_layout(cr, layout.get());
  int w = 0, h = 0;
  pango_layout_get_pixel_size(layout.get(), &w, &h);
  return h;
}

}  // namespace

sdk::Result<std::string> render_signed_pdf(const SignedPdf& doc) {
  auto qr = qr_modules(doc.qr_text);
  if (!qr) return qr.error();
  std::string out;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(append, &out, kA4W, kA4H);
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 0, 0, 0);

  // QR code in the top right corner, 150 pt wide with its quiet zone.
  double qr_size = 150.0, cell = qr_size / (qr->size() + 8);
  double qx = kA4W - kMargin - qr_size, qy = kMargin;
  for (std::size_t y = 0; y < qr->size(); ++y)
    for (std::size_t x = 0; x < qr->size(); ++x)
      if ((*qr)[y][x]) cairo_rectangle(cr, qx + (x + 4) * cell, qy + (y + 4) * cell, cell, cell);
  cairo_fill(cr);

  double y = kMargin, width = kA4W - 2 * kMargin - qr_size - 12;
  y += text(cr, kMargin, y, width, doc.title, 18, true) + 4;
  if (!doc.subtitle.empty()) y += text(cr, kMargin, y, width, doc.subtitle, 10);
  y = std::max(y + 18, qy + qr_size + 12);
  for (const auto& row : doc.rows) {
    double h1 = text(cr, kMargin, y, 150, row.label, 10);
    double h2 = text(cr, kMargin + 160, y, kA4W - 2 * kMargin - 160, row.value, 10);
    y += std::max(h1, h2) + 6;
  }
  y += 12;
  if (!doc.note.empty()) y += text(cr, kMargin, y, kA4W - 2 * kMargin, doc.note, 9) + 6;
  text(cr, kMargin, y, kA4W - 2 * kMargin, "Token: " + doc.token, 7);

  cairo_show_page(cr);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_status_t status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS)
    return sdk::make_error("PDF_FAILED", std::string("The PDF failed: ") + cairo_status_to_string(status),
                           "PDF 生成失败。");
  return out;
}

}  // namespace shiming::print
