#include "glyph_matcher.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>

#include <opencv2/freetype.hpp>
#include <opencv2/imgproc.hpp>

#include "ocr_engine.h"
#include "shiming/idcard_ocr/text_rules.h"

namespace shiming::idcard_ocr {
namespace {

// Characters seen in Chinese given names and surnames beyond the most common few thousand
// (the ones a general-text model is likely to lack). Only those the installed model lacks are
// used; the rest are left to Tesseract.
constexpr const char* kNameCharacters =
    // given names
    "喆堃淼犇昇珺彧瑄玥翀旻骞懿弢垚鑫湉祎璟赟晟甄翊珩昱煜晗琦瑾瑜璐玮珏琰琨瑛琬婕妍婉娴嫣姝"
    "婵倩芊芸茜萱蓓蕾薇菁菲昕晔晞暄曦炜烨焱熠熹灏澍潇沅汐泓洵浚淳滢漪濂铖钧钰铮锦镕珈琛珞"
    "琪瑞璇璋瓒皓睿砚祺禹筠箐翎翌聿胤舜苡茗荃莘蔚诩谦轶迦逸钊铄锴隽霁霏靓韬颢馨骁骅鸿麒黛"
    "歆楠栩桦梵楷榕槿樾沐泷浠淇湛溥滟澜炅烁煊熙燊玎玑玖玟珂珉珑珲琅琮琼瑭瑷璞璨璠瓴皎祉祐"
    "祚禧穹竑竣笙筱绮缇罡羿翡耀聃肇臻芃芮苒茹莞菡葳蓁蔻蕙蕤藜衍袆谌谧豫赜邈钦锋镛闵雯霆霓"
    "靖韫頔颀飒馥驰骏鹤鹭鼎龑昀昊晏晁晖暐曜朔朗杉柏柘桐梓棠森楚榆槐樽檬欢歌汀沁泽洁洙浩涵"
    "淞清渊湘溪滔漫潼澄濠瀚灵炫烽焕煦熔燚珅珵琇琤瑗瑀璎璘璜瓏甫畅皙眉睎瞻矞砺硕祾禾秀穆"
    "筝粲紫绚缨羚翔翰耘舸舫艺芷苓茉荟莉莹菀萍萦蓉蔓蕊薏藻蝶裴誉谨贻赞跹迩遥邦郁钏钤钥铂"
    "锐锟镇闳闿阳雁雍霄霖霞靑韵顼颐飏馗驿骥鲲鸾鹏鹓麟黎鼐"
    // surnames
    "邝冼亓仉佘靳濮禤敖晏佴厍蒯逄阚缑郜眭邴隗訾宓郦庹苻逯鄂亢郏郐郗酆鄢滕甘覃蓟阎逢栾"
    "桓殳禚咸籍卞蔺蹇"
    // the most common surnames and given-name characters (the model knows them, but a photo can
    // still make it read a look-alike: 睿 as 窒, 谭 as 到)
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严武戴欧阳司马诸葛上官东方皇甫令狐慕容莫孔向常汤康易乔赖文施洪庞樊兰殷牛"
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰梅海红鹏飞宇浩然子轩涵欣怡佳琪晨"
    "思雨梓博嘉志国建春晓东雪琳婷颖泽瑶婧天一诺铭俊凯辉丹亮宁峰斌波辰凡旭雅蕾帆健坤薇露"
    "婷慧珊琴莉蓉菊凤洁璐晶倩燕翠";

// Directional stroke features: the glyph's ink box scaled into a 48 x 48 square (aspect kept),
// gradient directions in 8 bins over an 8 x 8 grid, square-rooted and L2-normalised.
constexpr int kSize = 48, kGrid = 8, kBins = 8;
constexpr int kDims = kGrid * kGrid * kBins;
using Feature = std::vector<float>;

Feature features(const cv::Mat& gray_in) {
  if (gray_in.empty()) return {};
  cv::Mat gray;
  if (gray_in.channels() == 3) cv::cvtColor(gray_in, gray, cv::COLOR_BGR2GRAY);
  else gray = gray_in;
  cv::Mat mask;
  cv::threshold(gray, mask, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  cv::Rect box = cv::boundingRect(mask);
  if (box.width < 3 || box.height < 3) return {};
  int side = std::max(box.width, box.height);
  cv::Mat square(side, side, CV_8U, cv::Scalar(255));
  gray(box).copyTo(square(cv::Rect((side - box.width) / 2, (side - box.height) / 2, box.width, box.height)));
  cv::Mat small;
  const int inner = kSize - 4;
  cv::resize(square, small, {inner, inner}, 0, 0, side > inner ? cv::INTER_AREA : cv::INTER_CUBIC);
  cv::Mat padded;
  cv::copyMakeBorder(small, padded, 2, 2, 2, 2, cv::BORDER_CONSTANT, cv::Scalar(255));
  cv::Mat f;
  padded.convertTo(f, CV_32F, 1.0 / 255);
  // Contrast normalisation: the paper to 1, the darkest ink to 0, whatever the photo's light.
  double lo = 0, hi = 1;
  cv::minMaxLoc(f, &lo, &hi);
  if (hi - lo < 0.05) return {};
  f = (f - lo) / (hi - lo);
  cv::GaussianBlur(f, f, {0, 0}, 1.0);
  cv::Mat gx, gy;
  cv::Sobel(f, gx, CV_32F, 1, 0, 3);
  cv::Sobel(f, gy, CV_32F, 0, 1, 3);
  Feature out(kDims, 0.f);
  const float cell = static_cast<float>(kSize) / kGrid;
  for (int y = 0; y < kSize; ++y)
    for (int x = 0; x < kSize; ++x) {
      float dx = gx.at<float>(y, x), dy = gy.at<float>(y, x);
      float mag = std::sqrt(dx * dx + dy * dy);
      if (mag < 1e-3f) continue;
      float a = std::atan2(dy, dx);
      if (a < 0) a += static_cast<float>(2 * CV_PI);
      float fb = a / static_cast<float>(2 * CV_PI) * kBins;
      int b0 = static_cast<int>(fb) % kBins, b1 = (b0 + 1) % kBins;
      float w1 = fb - std::floor(fb), w0 = 1 - w1;
      int cx = std::min(kGrid - 1, static_cast<int>(x / cell)), cy = std::min(kGrid - 1, static_cast<int>(y / cell));
      float* c = &out[(cy * kGrid + cx) * kBins];
      c[b0] += w0 * mag;
      c[b1] += w1 * mag;
    }
  double norm = 0;
  for (float& v : out) {
    v = std::sqrt(v);
    norm += v * v;
  }
  if (norm <= 0) return {};
  for (float& v : out) v = static_cast<float>(v / std::sqrt(norm));
  return out;
}

double similarity(const Feature& a, const Feature& b) {
  if (a.size() != b.size() || a.empty()) return 0;
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

// The characters of the model's LSTM unicharset, read from the traineddata file (a table of
// int64 offsets after an int32 count; entry 21 is the LSTM unicharset, one character per line
// after the count line).
std::set<std::string> model_characters(const std::string& path) {
  std::set<std::string> out;
  std::ifstream in(path, std::ios::binary);
  if (!in) return out;
  std::int32_t n = 0;
  in.read(reinterpret_cast<char*>(&n), 4);
  if (!in || n <= 21 || n > 64) return out;
  std::vector<std::int64_t> offsets(n);
  in.read(reinterpret_cast<char*>(offsets.data()), static_cast<std::streamsize>(8 * n));
  if (!in || offsets[21] < 0) return out;
  in.seekg(0, std::ios::end);
  std::int64_t end = in.tellg();
  for (int k = 22; k < n; ++k)
    if (offsets[k] > offsets[21]) { end = offsets[k]; break; }
  std::int64_t size = end - offsets[21];
  if (size <= 0 || size > (64 << 20)) return out;
  std::string text(static_cast<std::size_t>(size), '\0');
  in.seekg(offsets[21]);
  in.read(text.data(), size);
  std::istringstream lines(text);
  std::string line;
  std::getline(lines, line);  // count
  while (std::getline(lines, line)) {
    auto sp = line.find(' ');
    if (sp != std::string::npos && sp > 0) out.insert(line.substr(0, sp));
  }
  return out;
}

struct Font {
  const char* path;
  int index;
};
constexpr Font kFonts[] = {{"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2},
                           {"/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2},
                           {"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0}};

class Library {
 public:
  Library() {
    for (const auto& f : kFonts) {
      if (!std::filesystem::exists(f.path)) continue;
      try {
        auto ft = cv::freetype::createFreeType2();
        ft->loadFontData(f.path, f.index);
        fonts_.push_back(ft);
      } catch (const cv::Exception&) {
      }
    }
    std::string dir = tessdata_dir();
    if (fonts_.empty() || dir.empty()) return;
    auto known = model_characters(dir + "/chi_sim.traineddata");
    if (known.size() < 1000) return;  // unreadable file: better no list than a wrong one
    std::set<std::string> seen;
    for (const auto& cp : utf8_code_points(kNameCharacters)) {
      if (!seen.insert(cp).second) continue;
      bool in_model = known.count(cp) > 0;
      if (!in_model) out_of_model_.push_back(cp);
      for (auto& ft : fonts_) {
        Feature f = render(*ft, cp);
        if (!f.empty()) templates_.push_back({cp, std::move(f), in_model});
      }
    }
  }

  std::optional<GlyphMatch> match(const cv::Mat& ink, const std::string& read) {
    if (templates_.empty()) return std::nullopt;
    Feature f = features(ink);
    if (f.empty()) return std::nullopt;
    GlyphMatch m;
    for (const auto& t : templates_) {
      double s = similarity(f, t.feature);
      if (s > m.best_similarity) {
        if (t.cp != m.best) {
          m.second = m.best;
          m.second_similarity = m.best_similarity;
        }
        m.best_similarity = s;
        m.best = t.cp;
        m.best_in_model = t.in_model;
      } else if (s > m.second_similarity && t.cp != m.best) {
        m.second = t.cp;
        m.second_similarity = s;
      }
    }
    for (const auto& t : read_templates(read)) m.read_similarity = std::max(m.read_similarity, similarity(f, t));
    return m;
  }

  const std::vector<std::string>& out_of_model() const { return out_of_model_; }

  double pair_similarity(const std::string& a, const std::string& b) {
    auto fa = read_templates(a), fb = read_templates(b);
    double best = 0;
    for (std::size_t k = 0; k < std::min(fa.size(), fb.size()); ++k) best = std::max(best, similarity(fa[k], fb[k]));
    return best;
  }

  double similarity_to(const Feature& f, const std::string& cp) {
    double best = 0;
    for (const auto& t : read_templates(cp)) best = std::max(best, similarity(f, t));
    return best;
  }

 private:
  struct Template {
    std::string cp;
    Feature feature;
    bool in_model = false;
  };

  Feature render(cv::freetype::FreeType2& ft, const std::string& cp) {
    cv::Mat img(96, 96, CV_8UC3, cv::Scalar::all(255));
    ft.putText(img, cp, {20, 70}, 48, cv::Scalar::all(0), -1, cv::LINE_AA, true);
    return features(img);
  }

  std::vector<Feature> read_templates(const std::string& cp) {
    std::lock_guard lock(mutex_);
    auto it = read_cache_.find(cp);
    if (it != read_cache_.end()) return it->second;
    std::vector<Feature> fs;
    for (auto& ft : fonts_) {
      Feature f = render(*ft, cp);
      if (!f.empty()) fs.push_back(std::move(f));
    }
    if (read_cache_.size() > 4096) read_cache_.clear();
    return read_cache_[cp] = fs;
  }

  std::vector<cv::Ptr<cv::freetype::FreeType2>> fonts_;
  std::vector<std::string> out_of_model_;
  std::vector<Template> templates_;
  std::mutex mutex_;  // the fonts and the cache of rendered read characters
  std::map<std::string, std::vector<Feature>> read_cache_;
};

Library& library() {
  static Library lib;
  return lib;
}

}  // namespace

std::optional<GlyphMatch> match_name_glyph(const cv::Mat& ink, const std::string& read) {
  return library().match(ink, read);
}

std::string choose_name_character(const NameCharacterEvidence& e, double out_of_model_margin) {
  const GlyphMatch& m = e.match;
  bool take = false;
  if (!m.best.empty() && m.best != e.read) {
    // A character the model lacks needs a clear match; one it knows (and still did not read)
    // a very clear one. Near the top of the scale (a sharp print that matches a rendering
    // almost exactly) the distances 1 - similarity are compared instead: 0.986 against 0.872
    // (骞 read as 赛) is a small difference but one distance a ninth of the other.
    const double best_d = 1 - m.best_similarity, read_d = 1 - e.read_similarity;
    take = m.best_in_model
               ? (m.best_similarity >= 0.85 && m.best_similarity - e.read_similarity >= 0.12) ||
                     (m.best_similarity >= 0.95 && read_d >= 2.5 * best_d)
               : (m.best_similarity >= 0.80 && m.best_similarity - e.read_similarity >= out_of_model_margin) ||
                     (m.best_similarity >= 0.90 && read_d >= 1.5 * best_d);
    // The lead measured against how far apart the two characters' renderings are: 余 and 佘
    // differ in two short strokes (their renderings 0.96 alike), so a cell 0.044 closer to 佘
    // sits as far on 佘's side as 佘 itself; 0.044 between two unrelated characters means
    // nothing. A third of that distance is asked for.
    const double apart = std::max(0.02, 1 - e.best_read_pair);
    if (!take && m.best_similarity >= 0.80 && (m.best_similarity - e.read_similarity) >= 0.35 * apart) take = true;
  }
  if (take) {
    // Two list characters the cell cannot tell apart (祎 and 袆 differ in one dot): the one
    // whose rendering is closer to what the model read, which saw that part (神 has 礻).
    if (!m.second.empty() && m.second != e.read && m.best_similarity - m.second_similarity < 0.02 &&
        e.best_second_pair >= 0.90 && e.read_second_pair > e.best_read_pair)
      return m.second;
    return m.best;
  }
  // A character another read gave there that matches the glyph much better than the voted
  // one (怡 over 恰): two independent signs, the model considered it and the shape fits.
  if (!e.other.empty() && e.other != e.read && e.other_similarity >= 0.90 &&
      1 - e.other_similarity <= 0.6 * (1 - e.read_similarity))
    return e.other;
  return e.read;
}

double glyph_pair_similarity(const std::string& a, const std::string& b) { return library().pair_similarity(a, b); }

const std::vector<std::string>& out_of_model_name_characters() { return library().out_of_model(); }

std::vector<float> glyph_features(const cv::Mat& ink) { return features(ink); }

double glyph_similarity(const std::vector<float>& f, const std::string& cp) {
  if (f.empty()) return 0;
  return library().similarity_to(f, cp);
}

}  // namespace shiming::idcard_ocr
