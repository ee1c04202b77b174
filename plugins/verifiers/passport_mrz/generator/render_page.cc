// Renders a passport data page (ID-3, 125 x 88 mm at 10 px/mm).
#include <cmath>
#include <stdexcept>

#include <opencv2/freetype.hpp>
#include <opencv2/imgproc.hpp>

#include "mrz_font.h"
#include "shiming/mrz/passport_generator.h"

namespace shiming::mrz::gen {
namespace {

constexpr const char* kCjkFonts[] = {"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                                     "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"};

cv::freetype::FreeType2& cjk_font() {
  thread_local cv::Ptr<cv::freetype::FreeType2> ft;
  if (!ft) {
    for (const char* f : kCjkFonts) {
      try {
        auto p = cv::freetype::createFreeType2();
        p->loadFontData(f, 0);
        ft = p;
        break;
      } catch (const cv::Exception&) {
      }
    }
    if (!ft) throw std::runtime_error("no CJK font found (install fonts-wqy-microhei or fonts-noto-cjk)");
  }
  return *ft;
}

void text(cv::Mat& img, const std::string& s, cv::Point at, int height, cv::Scalar color) {
  cjk_font().putText(img, s, at, height, color, -1, cv::LINE_AA, true);
}

std::string display_date(const std::string& iso) {
  static constexpr const char* kMonths[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                            "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  int m = std::stoi(iso.substr(5, 2));
  return iso.substr(8, 2) + " " + kMonths[m - 1] + " " + iso.substr(0, 4);
}

}  // namespace

cv::Mat render_page(const PassportIdentity& p, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0, 1);
  cv::Mat page(880, 1250, CV_8UC3);
  cv::Scalar paper(225 + 20 * u(rng), 232 + 15 * u(rng), 225 + 25 * u(rng));
  page.setTo(paper);
  // Guilloche-like security background.
  double phase = u(rng) * 6.28;
  for (int k = 0; k < 40; ++k) {
    std::vector<cv::Point> pts;
    for (int x = 0; x <= 1250; x += 10)
      pts.emplace_back(x, static_cast<int>(20 * k + 15 * std::sin(x * 0.012 + k * 0.4 + phase)));
    cv::polylines(page, pts, false, cv::Scalar(200, 215, 205) - cv::Scalar(0, 10 * u(rng), 0), 1, cv::LINE_AA);
  }
  const cv::Scalar ink(60, 40, 30), label(110, 90, 80);
  text(page, "中华人民共和国  PEOPLE'S REPUBLIC OF CHINA", {60, 30}, 34, ink);
  text(page, "护照  PASSPORT", {800, 30}, 34, ink);
  // Portrait.
  cv::Rect photo(60, 150, 300, 400);
  cv::rectangle(page, photo, cv::Scalar(215, 210, 205), cv::FILLED);
  cv::ellipse(page, {210, 300}, {85, 110}, 0, 0, 360, cv::Scalar(150 + 40 * u(rng), 170, 200), cv::FILLED, cv::LINE_AA);
  cv::ellipse(page, {210, 560}, {140, 120}, 0, 180, 360, cv::Scalar(80, 70, 60), cv::FILLED, cv::LINE_AA);
  cv::rectangle(page, photo, cv::Scalar(160, 160, 160), 1);
  struct Row {
    const char* zh_en;
    std::string value;
    int x, y;
  };
  std::string name_pinyin = p.surname + ", " + p.given_names;
  Row rows[] = {
      {"类型/Type", "P", 400, 100},
      {"国家码/Code of Issuing State", p.issuing_state.substr(0, p.issuing_state.find('<')), 600, 100},
      {"护照号/Passport No.", p.document_number, 920, 100},
      {"姓名/Name", p.name_zh + "  " + name_pinyin, 400, 200},
      {"性别/Sex", std::string(p.sex == "M" ? "男/M" : "女/F"), 400, 300},
      {"国籍/Nationality", p.nationality.substr(0, p.nationality.find('<')), 600, 300},
      {"出生日期/Date of birth", display_date(p.birth), 400, 400},
      {"有效期至/Date of expiry", display_date(p.expiry), 800, 400},
      {"签发机关/Authority", "国家移民管理局 NIA", 400, 500},
  };
  for (const auto& r : rows) {
    text(page, r.zh_en, {r.x, r.y}, 22, label);
    text(page, r.value, {r.x, r.y + 34}, 32, ink);
  }
  // The machine-readable zone: OCR-B at a fixed pitch.
  auto lines = td3_lines(p);
  for (int l = 0; l < 2; ++l)
    for (int i = 0; i < 44; ++i)
      draw_mrz_char(page, lines[l][i], {kMrzLeft + static_cast<int>(i * kMrzPitch), kMrzTop + l * kMrzLineGap},
                    cv::Scalar(25, 25, 25));
  return page;
}

}  // namespace shiming::mrz::gen
