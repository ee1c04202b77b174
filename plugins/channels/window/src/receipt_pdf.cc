#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include <memory>

#include "receipt_render.h"

namespace shiming::window {
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

sdk::Result<std::string> render_receipt_pdf(const ReceiptView& v) {
  auto qr = qr_modules(v.qr_text);
  if (!qr) return qr.error();
  std::string out;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(append, &out, kA4W, kA4H);
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 0, 0, 0);

  // QR code in the top right corner, 150 pt wide.
  double qr_size = 150.0, cell = qr_size / (qr->size() + 8);
  double qx = kA4W - kMargin - qr_size, qy = kMargin;
  for (std::size_t y = 0; y < qr->size(); ++y)
    for (std::size_t x = 0; x < qr->size(); ++x)
      if ((*qr)[y][x]) cairo_rectangle(cr, qx + (x + 4) * cell, qy + (y + 4) * cell, cell, cell);
  cairo_fill(cr);

  double y = kMargin, width = kA4W - 2 * kMargin - qr_size - 12;
  y += text(cr, kMargin, y, width, v.province_name + " 软考实名认证回执", 18, true) + 4;
  y += text(cr, kMargin, y, width, "Computer qualification exam: identity verification receipt", 10) + 18;
  auto row = [&](const std::string& label, const std::string& value) {
    double h1 = text(cr, kMargin, y, 150, label, 10);
    double h2 = text(cr, kMargin + 160, y, kA4W - 2 * kMargin - 160, value, 10);
    y += std::max(h1, h2) + 6;
  };
  y = std::max(y, qy + qr_size + 12);
  row("回执编号 / Case number", v.case_id);
  row("办理地点 / Office", v.office_name + (v.office_name_en.empty() ? "" : "\n" + v.office_name_en));
  if (!v.office_address.empty()) row("地址 / Address", v.office_address);
  row("经办人 / Clerk", v.clerk_id);
  row("办理时间 / Time", v.issued_at);
  row("姓名 / Name", v.masked_name);
  row("身份证号 / ID number", v.masked_id_number);
  row("考试 / Exam session", v.exam_session);
  row("状态 / Status", v.status_zh + " / " + v.status);
  std::string checked, captured;
  for (const auto& l : v.checked) checked += (checked.empty() ? "" : "\n") + l.zh + " / " + l.en;
  for (const auto& l : v.captured) captured += (captured.empty() ? "" : "\n") + l.zh + " / " + l.en;
  row("已核验原件 / Originals checked", checked);
  row("现场采集 / Captured", captured.empty() ? "—" : captured);
  y += 12;
  y += text(cr, kMargin, y, kA4W - 2 * kMargin,
            "扫描二维码可离线核验本回执的真伪。Scan the QR code to check that this receipt is genuine.", 9) + 6;
  text(cr, kMargin, y, kA4W - 2 * kMargin, "Token: " + v.token, 7);

  cairo_show_page(cr);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_status_t status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS)
    return sdk::make_error("PDF_FAILED", std::string("The receipt PDF failed: ") + cairo_status_to_string(status),
                           "回执 PDF 生成失败。");
  return out;
}

}  // namespace shiming::window
