#pragma once
// The generated roster both roster benchmarks import: distinct valid ID numbers (region 110101,
// one birth date per 1,000 rows, sequence 000-999), names with and without a middle dot, phones.
#include <cstdio>
#include <string>

#include "shiming/idnumber/id_number.h"

namespace shiming::roster_data {

inline std::string roster_id_number(int seq) {
  char first17[32];
  int day = seq / 1000;
  std::snprintf(first17, sizeof first17, "110101%04d%02d%02d%03d", 1970 + day % 30, 1 + day % 12, 1 + day % 28,
                seq % 1000);
  return std::string(first17) + idnumber::check_character(first17);
}

// A UTF-8 roster CSV with Chinese headers of `rows` rows for `exam_session`.
inline std::string roster_csv(int rows, const std::string& exam_session) {
  static const char* kNames[] = {"张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "欧阳·娜娜"};
  std::string csv = "姓名,身份证号,手机号,考试场次\n";
  for (int i = 0; i < rows; ++i) {
    char phone[16];
    std::snprintf(phone, sizeof phone, "138%08d", i);
    csv += std::string(kNames[i % 8]) + "," + roster_id_number(i) + "," + phone + "," + exam_session + "\n";
  }
  return csv;
}

}  // namespace shiming::roster_data
