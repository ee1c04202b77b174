// What each reason code means for the citizen, and what to do next (English and zh-CN).
#include <array>

#include "shiming/idnumber/id_number.h"

namespace shiming::idnumber {
namespace {

struct Entry {
  std::string_view code;
  Advice advice;
};

constexpr std::array<Entry, 8> kAdvice{{
    {kFormat,
     {"The ID number must have 18 characters (digits, the last may be X) or 15 digits.",
      "身份证号码应为 18 位（数字，最后一位可为 X）或 15 位数字。",
      "Enter the number exactly as printed on your resident identity card.",
      "请按居民身份证上印制的号码如实填写。"}},
    {kCheckCharacter,
     {"The last character of the ID number does not match the other 17 (check character).",
      "身份证号码最后一位校验码与前 17 位不符。",
      "Check every digit against your card; a single mistyped digit causes this.",
      "请对照身份证逐位核对号码，任何一位输错都会导致此问题。"}},
    {kBirthDateInvalid,
     {"The date of birth in the ID number is not a real calendar date.",
      "身份证号码中的出生日期不是有效日期。",
      "Check digits 7 to 14 (year, month, day of birth) against your card.",
      "请对照身份证核对第 7 至 14 位（出生年月日）。"}},
    {kBirthDateFuture,
     {"The date of birth in the ID number lies in the future.",
      "身份证号码中的出生日期晚于今天。",
      "Check digits 7 to 14 (year, month, day of birth) against your card.",
      "请对照身份证核对第 7 至 14 位（出生年月日）。"}},
    {kAgeOutOfRange,
     {"The age from the ID number is outside the range allowed for this exam.",
      "根据身份证号码计算的年龄不符合本次考试的报考要求。",
      "Check the number; if it is right, contact the exam office about the age requirement.",
      "请核对号码；如号码无误，请联系考试机构咨询年龄要求。"}},
    {kRegionUnknown,
     {"The first six digits are not in the administrative division code list (GB/T 2260).",
      "身份证号码前 6 位不在行政区划代码表（GB/T 2260）中。",
      "No action needed if the number matches your card; staff may check it.",
      "如号码与身份证一致，无需处理；工作人员可能会人工核对。"}},
    {kSexMismatch,
     {"The declared sex does not match the ID number (17th digit: odd male, even female).",
      "填写的性别与身份证号码不符（第 17 位奇数为男，偶数为女）。",
      "Correct the sex or the ID number so that both match your card.",
      "请按身份证更正性别或身份证号码。"}},
    {kMissing,
     {"No ID number was declared.", "未填写身份证号码。",
      "Enter the number of your resident identity card or residence permit.",
      "请填写居民身份证或居住证号码。"}},
}};

}  // namespace

Advice advice_for(std::string_view code) {
  for (const auto& e : kAdvice)
    if (e.code == code) return e.advice;
  return {};
}

}  // namespace shiming::idnumber
