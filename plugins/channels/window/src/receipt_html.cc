#include <qrencode.h>

#include <memory>
#include <kainjow/mustache.hpp>

#include "receipt_render.h"
#include "receipt_template.inc"  // kReceiptTemplate, generated from templates/receipt/

namespace shiming::window {

sdk::Result<std::vector<std::vector<bool>>> qr_modules(const std::string& text) {
  std::unique_ptr<QRcode, void (*)(QRcode*)> code(
      QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M), QRcode_free);
  if (!code)
    return sdk::make_error("QR_FAILED", "The QR code could not be made (text too long?).", "二维码生成失败。");
  std::vector<std::vector<bool>> m(code->width, std::vector<bool>(code->width));
  for (int y = 0; y < code->width; ++y)
    for (int x = 0; x < code->width; ++x) m[y][x] = code->data[y * code->width + x] & 1;
  return m;
}

std::string qr_svg(const std::vector<std::vector<bool>>& m) {
  int n = static_cast<int>(m.size()), quiet = 4;
  std::string path;
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x)
      if (m[y][x]) path += "M" + std::to_string(x + quiet) + " " + std::to_string(y + quiet) + "h1v1h-1z";
  int size = n + 2 * quiet;
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(size) + " " +
         std::to_string(size) + "\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
         "<path fill=\"#000\" d=\"" + path + "\"/></svg>";
}

const std::string& default_receipt_template() {
  static const std::string t(kReceiptTemplate);
  return t;
}

sdk::Result<std::string> render_receipt_html(const ReceiptView& v, const std::string& tmpl) {
  auto qr = qr_modules(v.qr_text);
  if (!qr) return qr.error();
  using kainjow::mustache::data;
  auto lines = [](const std::vector<ReceiptLine>& in) {
    data list{data::type::list};
    for (const auto& l : in) {
      data item;
      item.set("zh", l.zh);
      item.set("en", l.en);
      list.push_back(item);
    }
    return list;
  };
  data ctx;
  for (const auto& [k, val] : std::initializer_list<std::pair<const char*, const std::string*>>{
           {"case_id", &v.case_id}, {"province_name", &v.province_name}, {"office_name", &v.office_name},
           {"office_name_en", &v.office_name_en}, {"office_address", &v.office_address}, {"clerk_id", &v.clerk_id},
           {"issued_at", &v.issued_at}, {"masked_name", &v.masked_name}, {"masked_id_number", &v.masked_id_number},
           {"exam_session", &v.exam_session}, {"status", &v.status}, {"status_zh", &v.status_zh}, {"token", &v.token}})
    ctx.set(k, *val);
  ctx.set("checked", lines(v.checked));
  ctx.set("captured", v.captured.empty() ? data(false) : lines(v.captured));
  ctx.set("qr_svg", qr_svg(*qr));
  kainjow::mustache::mustache engine(tmpl);
  if (!engine.is_valid())
    return sdk::make_error("TEMPLATE_FAILED", "The receipt template is invalid: " + engine.error_message(),
                           "回执模板无效。");
  std::string out = engine.render(ctx);
  if (!engine.is_valid())
    return sdk::make_error("TEMPLATE_FAILED", "The receipt template failed: " + engine.error_message(),
                           "回执模板渲染失败。");
  return out;
}

}  // namespace shiming::window
