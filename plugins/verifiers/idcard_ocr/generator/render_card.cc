// Renders card faces upright with cv::freetype and Debian fonts.
#include <cmath>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include <opencv2/freetype.hpp>
#include <opencv2/imgproc.hpp>

#include "shiming/idcard_ocr/card_generator.h"
#include "shiming/idcard_ocr/card_layout.h"
#include "shiming/idcard_ocr/text_rules.h"

namespace shiming::idcard_ocr::gen {

const char* Fonts::sans() { return "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"; }
const char* Fonts::serif() { return "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"; }
const char* Fonts::hei() { return "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"; }
const char* Fonts::ocrb() { return "/usr/share/fonts/opentype/ocr-b/OCRB.otf"; }

namespace {

using namespace std::chrono;
namespace L = layout;

cv::freetype::FreeType2& font(const char* path, int index) {
  thread_local std::map<std::pair<std::string, int>, cv::Ptr<cv::freetype::FreeType2>> cache;
  auto key = std::make_pair(std::string(path), index);
  auto it = cache.find(key);
  if (it == cache.end()) {
    auto ft = cv::freetype::createFreeType2();
    try {
      ft->loadFontData(path, index);
    } catch (const cv::Exception& e) {
      throw std::runtime_error(std::string("font missing: ") + path);
    }
    it = cache.emplace(key, ft).first;
  }
  return *it->second;
}

struct Painter {
  cv::Mat img;  // CV_8UC3
  double s;     // px per mm
  std::mt19937_64& rng;
  double jx = 0, jy = 0;  // layout offset of this card (mm)

  double j(double sigma) { return std::normal_distribution<double>(0, sigma)(rng); }
  int X(double mm) const { return static_cast<int>(std::lround((mm + jx) * s)); }
  int Y(double mm) const { return static_cast<int>(std::lround((mm + jy) * s)); }

  // Text whose vertical centre is at row_mm; returns the x after the text in mm.
  double text(const std::string& t, double x_mm, double row_mm, double h_mm, cv::Scalar color,
              const char* path, int index, double spacing_mm = 0) {
    auto& ft = font(path, index);
    int h = std::max(6, static_cast<int>(std::lround(h_mm * s)));
    double x = x_mm;
    if (spacing_mm <= 0) {
      int base = 0;
      cv::Size sz = ft.getTextSize(t, h, -1, &base);
      ft.putText(img, t, {X(x), Y(row_mm) + h / 2 - h / 8}, h, color, -1, cv::LINE_AA, true);
      return x + sz.width / s;
    }
    for (const auto& cp : utf8_code_points(t)) {
      int base = 0;
      cv::Size sz = ft.getTextSize(cp, h, -1, &base);
      ft.putText(img, cp, {X(x), Y(row_mm) + h / 2 - h / 8}, h, color, -1, cv::LINE_AA, true);
      x += sz.width / s + spacing_mm;
    }
    return x;
  }
};

cv::Mat card_base(double s, std::mt19937_64& rng, cv::Scalar tint) {
  int w = static_cast<int>(std::lround(L::kCardWidthMm * s));
  int h = static_cast<int>(std::lround(L::kCardHeightMm * s));
  cv::Mat img(h, w, CV_8UC3, tint);
  // Security print: fine guilloche waves in light colours.
  std::uniform_real_distribution<double> u(0, 1);
  double f1 = 0.15 + 0.1 * u(rng), f2 = 0.05 + 0.05 * u(rng), ph = 6.28 * u(rng);
  for (int k = 0; k < 40; ++k) {
    std::vector<cv::Point> pts;
    double y0 = (k + 0.5) * L::kCardHeightMm / 40.0;
    for (double xm = 0; xm <= L::kCardWidthMm; xm += 0.5)
      pts.emplace_back(static_cast<int>(xm * s),
                       static_cast<int>((y0 + 1.2 * std::sin(f1 * xm + ph + k * 0.3) + 0.6 * std::sin(f2 * xm * 3)) * s));
    cv::polylines(img, pts, false, cv::Scalar(tint[0] - 18, tint[1] - 10, tint[2] - 22), std::max(1, int(s / 12)),
                  cv::LINE_AA);
  }
  return img;
}

cv::Mat with_rounded_alpha(const cv::Mat& bgr, double s) {
  cv::Mat mask(bgr.size(), CV_8U, cv::Scalar(0));
  int r = static_cast<int>(3.0 * s);
  cv::Rect inner(r, 0, bgr.cols - 2 * r, bgr.rows);
  cv::rectangle(mask, inner, 255, cv::FILLED);
  cv::rectangle(mask, cv::Rect(0, r, bgr.cols, bgr.rows - 2 * r), 255, cv::FILLED);
  for (cv::Point c : {cv::Point(r, r), cv::Point(bgr.cols - r - 1, r), cv::Point(r, bgr.rows - r - 1),
                      cv::Point(bgr.cols - r - 1, bgr.rows - r - 1)})
    cv::circle(mask, c, r, 255, cv::FILLED, cv::LINE_AA);
  cv::Mat out;
  std::vector<cv::Mat> ch;
  cv::split(bgr, ch);
  ch.push_back(mask);
  cv::merge(ch, out);
  return out;
}

void draw_portrait(Painter& p) {
  cv::Rect r(p.X(L::kPortrait.x), p.Y(L::kPortrait.y), static_cast<int>(L::kPortrait.w * p.s),
             static_cast<int>(L::kPortrait.h * p.s));
  std::uniform_int_distribution<int> tone(150, 215), hair(10, 60), cloth(20, 120);
  int skin = tone(p.rng), hr = hair(p.rng);
  cv::Point c(r.x + r.width / 2, r.y + r.height * 2 / 5);
  cv::Size head(static_cast<int>(r.width * 0.24), static_cast<int>(r.height * 0.26));
  cv::ellipse(p.img, cv::Point(c.x, r.y + r.height), cv::Size(r.width / 2, r.height * 3 / 10), 0, 180, 360,
              cv::Scalar(cloth(p.rng), cloth(p.rng), cloth(p.rng)), cv::FILLED, cv::LINE_AA);
  cv::rectangle(p.img, cv::Rect(c.x - head.width / 3, c.y + head.height / 2, head.width * 2 / 3, head.height * 2 / 3),
                cv::Scalar(skin - 30, skin - 10, skin + 20), cv::FILLED);
  cv::ellipse(p.img, cv::Point(c.x, c.y - head.height / 5), cv::Size(head.width * 21 / 20, head.height), 0, 180, 360,
              cv::Scalar(hr, hr, hr + 5), cv::FILLED, cv::LINE_AA);
  cv::ellipse(p.img, c, head, 0, 0, 360, cv::Scalar(skin - 30, skin - 5, std::min(255, skin + 25)), cv::FILLED,
              cv::LINE_AA);
  int eye_y = c.y - head.height / 8, dx = head.width * 2 / 5;
  for (int sx : {-1, 1})
    cv::ellipse(p.img, cv::Point(c.x + sx * dx, eye_y), cv::Size(head.width / 7, head.height / 14), 0, 0, 360,
                cv::Scalar(40, 40, 40), cv::FILLED, cv::LINE_AA);
  cv::ellipse(p.img, cv::Point(c.x, c.y + head.height / 2), cv::Size(head.width / 4, head.height / 12), 0, 0, 180,
              cv::Scalar(60, 60, 150), std::max(1, int(p.s / 8)), cv::LINE_AA);
}

const char* pick_value_font(std::mt19937_64& rng, int& index) {
  int k = std::uniform_int_distribution<int>(0, 2)(rng);
  index = k == 2 ? 0 : 2;
  return k == 0 ? Fonts::serif() : k == 1 ? Fonts::sans() : Fonts::hei();
}

std::string dot_date(year_month_day d) {
  std::string iso = format_date(d);
  return iso.substr(0, 4) + "." + iso.substr(5, 2) + "." + iso.substr(8, 2);
}

}  // namespace

cv::Mat render_front(const Identity& id, double s, std::mt19937_64& rng) {
  cv::Mat base = card_base(s, rng, cv::Scalar(238, 236, 232));
  Painter p{base, s, rng};
  p.jx = p.j(0.5);
  p.jy = p.j(0.5);
  draw_portrait(p);
  const cv::Scalar label(175, 120, 45), ink(25, 25, 25);
  int vi = 2;
  const char* vf = pick_value_font(rng, vi);
  p.text("姓  名", L::kLabelX, L::kNameRowY, L::kLabelHeight, label, Fonts::sans(), 2);
  p.text(id.name, L::kValueX, L::kNameRowY, L::kNameHeight, ink, vf, vi, 0.3);
  p.text("性  别", L::kLabelX, L::kSexRowY, L::kLabelHeight, label, Fonts::sans(), 2);
  p.text(id.sex, L::kValueX, L::kSexRowY, L::kValueHeight, ink, vf, vi);
  p.text("民  族", L::kEthnicityLabelX, L::kSexRowY, L::kLabelHeight, label, Fonts::sans(), 2);
  p.text(id.ethnicity, L::kEthnicityValueX, L::kSexRowY, L::kValueHeight, ink, vf, vi);
  p.text("出  生", L::kLabelX, L::kBirthRowY, L::kLabelHeight, label, Fonts::sans(), 2);
  double x = p.text(std::to_string(static_cast<int>(id.birth.year())), L::kValueX, L::kBirthRowY, L::kValueHeight,
                    ink, vf, vi);
  x = p.text("年", x + 1.0, L::kBirthRowY, L::kLabelHeight, label, Fonts::sans(), 2);
  x = p.text(std::to_string(static_cast<unsigned>(id.birth.month())), x + 1.2, L::kBirthRowY, L::kValueHeight, ink, vf,
             vi);
  x = p.text("月", x + 1.0, L::kBirthRowY, L::kLabelHeight, label, Fonts::sans(), 2);
  x = p.text(std::to_string(static_cast<unsigned>(id.birth.day())), x + 1.2, L::kBirthRowY, L::kValueHeight, ink, vf,
             vi);
  p.text("日", x + 1.0, L::kBirthRowY, L::kLabelHeight, label, Fonts::sans(), 2);
  p.text("住  址", L::kLabelX, L::kAddressRowY, L::kLabelHeight, label, Fonts::sans(), 2);
  for (std::size_t i = 0; i < id.address_lines.size(); ++i)
    p.text(id.address_lines[i], L::kValueX, L::kAddressRowY + i * L::kAddressLinePitch, L::kValueHeight, ink, vf, vi);
  p.text("公民身份号码", L::kNumberLabelX, L::kNumberRowY, L::kLabelHeight, label, Fonts::sans(), 2);
  p.text(id.id_number, L::kNumberX, L::kNumberRowY, L::kNumberHeight, ink, Fonts::ocrb(), 0, 0.35);
  return with_rounded_alpha(base, s);
}

cv::Mat render_back(const Identity& id, double s, std::mt19937_64& rng) {
  cv::Mat base = card_base(s, rng, cv::Scalar(232, 238, 240));
  Painter p{base, s, rng};
  p.jx = p.j(0.5);
  p.jy = p.j(0.5);
  // National emblem, drawn: a red disc, gold ring and five stars.
  cv::Point c(p.X(L::kEmblem.x + L::kEmblem.w / 2), p.Y(L::kEmblem.y + L::kEmblem.h / 2));
  int r = static_cast<int>(L::kEmblem.w / 2 * s);
  cv::circle(base, c, r, cv::Scalar(40, 170, 220), cv::FILLED, cv::LINE_AA);
  cv::circle(base, c, r * 8 / 10, cv::Scalar(35, 35, 200), cv::FILLED, cv::LINE_AA);
  for (int k = 0; k < 5; ++k) {
    double a = -1.57 + k * 0.45 - 0.9;
    cv::Point sc = k == 0 ? cv::Point(c.x, c.y - r / 3)
                          : cv::Point(c.x + static_cast<int>(std::cos(a) * r * 0.55), c.y + static_cast<int>(std::sin(a) * r * 0.55));
    cv::circle(base, sc, k == 0 ? r / 6 : r / 12, cv::Scalar(40, 200, 240), cv::FILLED, cv::LINE_AA);
  }
  cv::rectangle(base, cv::Rect(c.x - r / 2, c.y + r / 5, r, r / 6), cv::Scalar(40, 200, 240), cv::FILLED);
  const cv::Scalar title(30, 30, 30), label(175, 120, 45), ink(25, 25, 25);
  p.text("中华人民共和国", L::kTitleX, L::kTitleRowY, 4.2, title, Fonts::sans(), 2, 1.4);
  p.text("居民身份证", L::kTitleX, L::kSubtitleRowY, 6.2, title, Fonts::sans(), 2, 2.2);
  int vi = 2;
  const char* vf = pick_value_font(rng, vi);
  p.text("签发机关", L::kBackLabelX, L::kAuthorityRowY, L::kLabelHeight, label, Fonts::sans(), 2, 0.3);
  p.text(id.issuing_authority, L::kBackValueX, L::kAuthorityRowY, L::kValueHeight, ink, vf, vi);
  p.text("有效期限", L::kBackLabelX, L::kValidityRowY, L::kLabelHeight, label, Fonts::sans(), 2, 0.3);
  std::string validity = dot_date(id.valid_from) + "-" + (id.long_term ? std::string("长期") : dot_date(id.valid_to));
  p.text(validity, L::kBackValueX, L::kValidityRowY, L::kValueHeight, ink, vf, vi);
  return with_rounded_alpha(base, s);
}

cv::Mat render_blank_card(double s, std::mt19937_64& rng) {
  cv::Mat base = card_base(s, rng, cv::Scalar(236, 236, 236));
  return with_rounded_alpha(base, s);
}

}  // namespace shiming::idcard_ocr::gen
