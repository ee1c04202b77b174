#include <kainjow/mustache.hpp>

#include "receipt_render.h"
#include "shiming/print/qr.h"
#include "receipt_template.inc"  // kReceiptTemplate, generated from templates/receipt/

namespace shiming::window {

const std::string& default_receipt_template() {
  static const std::string t(kReceiptTemplate);
  return t;
}

sdk::Result<std::string> render_receipt_html(const ReceiptView& v, const std::string& tmpl) {
  auto qr = print::qr_modules(v.qr_text);
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
  ctx.set("qr_svg", print::qr_svg(*qr));
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
