#include "core/json_body.h"

namespace shiming {
namespace {

const char* type_name(nlohmann::json::value_t t) {
  using V = nlohmann::json::value_t;
  switch (t) {
    case V::string: return "string";
    case V::boolean: return "boolean";
    case V::number_integer: case V::number_unsigned: return "integer";
    case V::number_float: return "number";
    case V::array: return "array";
    case V::object: return "object";
    default: return "null";
  }
}

bool type_matches(const nlohmann::json& v, nlohmann::json::value_t want) {
  using V = nlohmann::json::value_t;
  if (want == V::number_integer) return v.is_number_integer();
  if (want == V::number_float) return v.is_number();
  return v.type() == want;
}

}  // namespace

sdk::Result<nlohmann::json> parse_body(std::string_view body, const std::vector<BodyField>& fields) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded())
    return sdk::Error{"MALFORMED_JSON", "The request body is not valid JSON (UTF-8).",
                      "请求内容不是有效的 JSON（UTF-8 编码）。", ""};
  if (!j.is_object())
    return sdk::Error{"BODY_NOT_OBJECT", "The request body must be a JSON object.",
                      "请求内容必须是 JSON 对象。", ""};
  for (const auto& [key, value] : j.items()) {
    bool known = false;
    for (const auto& f : fields) known = known || f.name == key;
    if (!known)
      return sdk::Error{"UNKNOWN_FIELD", "Unknown field '" + key + "'.", "未知字段“" + key + "”。", key};
  }
  for (const auto& f : fields) {
    auto it = j.find(f.name);
    if (it == j.end() || it->is_null()) {
      if (f.required)
        return sdk::Error{"MISSING_FIELD", "The field '" + f.name + "' is required.",
                          "缺少必填字段“" + f.name + "”。", f.name};
      continue;
    }
    if (!type_matches(*it, f.type))
      return sdk::Error{"WRONG_TYPE",
                        "The field '" + f.name + "' must be of type " + type_name(f.type) + ".",
                        "字段“" + f.name + "”的类型应为 " + type_name(f.type) + "。", f.name};
    if ((it->is_string() && it->get_ref<const std::string&>().size() > f.max_length) ||
        (it->is_array() && it->size() > f.max_length))
      return sdk::Error{"FIELD_TOO_LONG", "The field '" + f.name + "' is too long.",
                        "字段“" + f.name + "”过长。", f.name};
  }
  return j;
}

}  // namespace shiming
