#pragma once
// Masking of personal data for logs and responses (脱敏).
#include <string>
#include <string_view>

namespace shiming::sdk {

// 110105194912310021 -> 110105********0021 ; other lengths keep the first and
// last quarter at most.
inline std::string mask_id_number(std::string_view id) {
  if (id.size() == 18) return std::string(id.substr(0, 6)) + "********" + std::string(id.substr(14));
  if (id.size() == 15) return std::string(id.substr(0, 6)) + "******" + std::string(id.substr(12));
  if (id.size() <= 4) return std::string(id.size(), '*');
  std::size_t keep = id.size() / 4;
  return std::string(id.substr(0, keep)) + std::string(id.size() - 2 * keep, '*') +
         std::string(id.substr(id.size() - keep));
}

// 张三 -> 张*, 欧阳娜娜 -> 欧***, "ERIKSSON ANNA" -> "E************". Works on UTF-8 code points.
inline std::string mask_name(std::string_view name) {
  if (name.empty()) return {};
  std::size_t first = 1;
  unsigned char c = static_cast<unsigned char>(name[0]);
  if (c >= 0xF0) first = 4; else if (c >= 0xE0) first = 3; else if (c >= 0xC0) first = 2;
  if (first > name.size()) first = name.size();
  std::size_t rest = 0;
  for (std::size_t i = first; i < name.size(); ++i)
    if ((static_cast<unsigned char>(name[i]) & 0xC0) != 0x80) ++rest;
  return std::string(name.substr(0, first)) + std::string(rest, '*');
}

// 13812345678 -> 138****5678
inline std::string mask_phone(std::string_view phone) {
  if (phone.size() < 7) return std::string(phone.size(), '*');
  return std::string(phone.substr(0, 3)) + std::string(phone.size() - 7, '*') +
         std::string(phone.substr(phone.size() - 4));
}

}  // namespace shiming::sdk
