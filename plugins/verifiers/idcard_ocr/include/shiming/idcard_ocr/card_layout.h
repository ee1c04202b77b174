// The printed layout of a second-generation resident ID card (85.6 x 54 mm, ISO/IEC 7810 ID-1),
// in millimetres from the top-left corner of the card held upright. The reader uses these as
// priors and refines them by finding the printed labels; the test generator renders from them
// with random offsets.
#pragma once

namespace shiming::idcard_ocr::layout {

inline constexpr double kCardWidthMm = 85.6;
inline constexpr double kCardHeightMm = 54.0;
inline constexpr double kAspect = kCardWidthMm / kCardHeightMm;  // ~1.585

struct RectMm {
  double x, y, w, h;
};

// Front (人像面): labels in the left column, values right of them, the portrait on the right,
// the number on the bottom line.
inline constexpr double kLabelX = 5.5;           // 姓名 性别 出生 住址
inline constexpr double kValueX = 14.5;          // name, sex, birth, address
inline constexpr double kEthnicityLabelX = 25.0; // 民族
inline constexpr double kEthnicityValueX = 34.0;
inline constexpr double kNameRowY = 8.0;         // vertical centre of each row
inline constexpr double kSexRowY = 14.0;
inline constexpr double kBirthRowY = 20.0;
inline constexpr double kAddressRowY = 26.2;     // first address line
inline constexpr double kAddressLinePitch = 4.0;
inline constexpr int kAddressMaxLines = 3;
inline constexpr double kAddressRight = 52.0;    // address text ends before the portrait
inline constexpr double kNumberRowY = 45.5;
inline constexpr double kNumberLabelX = 5.5;     // 公民身份号码
inline constexpr double kNumberX = 29.0;
inline constexpr double kNumberRight = 82.0;
inline constexpr RectMm kPortrait{54.0, 5.0, 28.0, 34.0};

// Back (国徽面).
inline constexpr RectMm kEmblem{4.0, 4.0, 14.0, 15.0};
inline constexpr double kTitleRowY = 8.5;        // 中华人民共和国
inline constexpr double kSubtitleRowY = 17.0;    // 居民身份证
inline constexpr double kTitleX = 23.0;
inline constexpr double kBackLabelX = 14.5;      // 签发机关 有效期限
inline constexpr double kBackValueX = 29.0;
inline constexpr double kAuthorityRowY = 41.5;
inline constexpr double kValidityRowY = 47.5;
inline constexpr double kBackValueRight = 82.0;

// Character heights.
inline constexpr double kLabelHeight = 2.6;
inline constexpr double kValueHeight = 3.2;
inline constexpr double kNameHeight = 3.6;
inline constexpr double kNumberHeight = 3.4;

}  // namespace shiming::idcard_ocr::layout
