// Random identities and their TD3 lines.
#include <cstdio>

#include "shiming/mrz/mrz.h"
#include "shiming/mrz/passport_generator.h"

namespace shiming::mrz::gen {
namespace {

struct Name {
  const char* pinyin;
  const char* zh;
};
constexpr Name kSurnames[] = {{"WANG", "王"}, {"LI", "李"}, {"ZHANG", "张"}, {"LIU", "刘"}, {"CHEN", "陈"},
                              {"YANG", "杨"}, {"HUANG", "黄"}, {"ZHAO", "赵"}, {"ZHOU", "周"}, {"WU", "吴"},
                              {"XU", "徐"}, {"SUN", "孙"}, {"OUYANG", "欧阳"}, {"GUO", "郭"}, {"SIMA", "司马"}};
constexpr Name kGiven[] = {{"WEI", "伟"}, {"FANG", "芳"}, {"NA", "娜"}, {"XIUYING", "秀英"}, {"MIN", "敏"},
                           {"JING", "静"}, {"QIANG", "强"}, {"LEI", "磊"}, {"JUN", "军"}, {"YANG", "洋"},
                           {"YONG", "勇"}, {"YAN", "艳"}, {"JIE", "杰"}, {"TAO", "涛"}, {"MING", "明"},
                           {"CHAO", "超"}, {"XIULAN", "秀兰"}, {"XIA", "霞"}, {"PING", "平"}, {"GANG", "刚"}};
constexpr const char* kStates[] = {"CHN", "CHN", "CHN", "USA", "GBR", "D<<", "FRA", "JPN", "CAN", "AUS"};

int uni(std::mt19937_64& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

std::string date(int y, int m, int d) {
  char b[16];
  std::snprintf(b, sizeof b, "%04d-%02d-%02d", y, m, d);
  return b;
}

std::string yymmdd(const std::string& iso) { return iso.substr(2, 2) + iso.substr(5, 2) + iso.substr(8, 2); }

std::string field(std::string s, std::size_t n) {
  for (auto& c : s)
    if (c == ' ') c = '<';
  s.resize(n, '<');
  return s;
}

char digit(const std::string& s) { return static_cast<char>('0' + check_digit(s)); }

}  // namespace

PassportIdentity random_identity(std::mt19937_64& rng) {
  PassportIdentity p;
  const Name& s = kSurnames[uni(rng, 0, std::size(kSurnames) - 1)];
  const Name& g = kGiven[uni(rng, 0, std::size(kGiven) - 1)];
  p.surname = s.pinyin;
  p.given_names = g.pinyin;
  p.name_zh = std::string(s.zh) + g.zh;
  if (uni(rng, 0, 4) == 0) {  // a second given name (foreign passports)
    const Name& g2 = kGiven[uni(rng, 0, std::size(kGiven) - 1)];
    p.given_names += std::string(" ") + g2.pinyin;
  }
  const char* state = kStates[uni(rng, 0, std::size(kStates) - 1)];
  p.issuing_state = state;
  p.nationality = state;
  static constexpr char kAlnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  p.document_number = std::string(1, "EGPKS"[uni(rng, 0, 4)]);
  int kind = uni(rng, 0, 2);
  for (int i = 1; i < 9; ++i)
    p.document_number += kind == 0 && i < 3 ? kAlnum[uni(rng, 0, 35)] : static_cast<char>('0' + uni(rng, 0, 9));
  p.birth = date(uni(rng, 1960, 2006), uni(rng, 1, 12), uni(rng, 1, 28));
  p.expiry = date(uni(rng, 2026, 2036), uni(rng, 1, 12), uni(rng, 1, 28));
  p.sex = uni(rng, 0, 1) ? "M" : "F";
  if (uni(rng, 0, 2) == 0)
    for (int i = 0; i < uni(rng, 6, 14); ++i) p.optional_data += kAlnum[uni(rng, 0, 35)];
  return p;
}

std::array<std::string, 2> td3_lines(const PassportIdentity& p) {
  std::string names = p.surname + "<<" + p.given_names;
  std::string l1 = "P<" + field(p.issuing_state, 3) + field(names, 39);
  std::string doc = field(p.document_number, 9);
  std::string opt = field(p.optional_data, 14);
  std::string b = yymmdd(p.birth), e = yymmdd(p.expiry);
  std::string l2 = doc + digit(doc) + field(p.nationality, 3) + b + digit(b) + p.sex + e + digit(e) + opt +
                   (p.optional_data.empty() ? '<' : digit(opt));
  std::string comp = l2.substr(0, 10) + l2.substr(13, 7) + l2.substr(21, 22);
  l2 += digit(comp);
  return {l1, l2};
}

}  // namespace shiming::mrz::gen
