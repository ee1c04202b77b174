#include "shiming/idcard_ocr/text_rules.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <set>
#include <tuple>

#include "shiming/idnumber/id_number.h"

namespace shiming::idcard_ocr {

using namespace std::chrono;

std::vector<std::string> utf8_code_points(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) {
      ++i;
      continue;
    }
    bool ok = true;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) ok = false;
    if (ok) out.emplace_back(s.substr(i, n));
    i += ok ? n : 1;
  }
  return out;
}

const std::vector<std::string_view>& ethnicities() {
  static const std::vector<std::string_view> kAll = {
      "汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白",
      "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡",
      "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬",
      "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安",
      "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺"};
  return kAll;
}

int edit_distance(std::string_view a, std::string_view b) {
  auto x = utf8_code_points(a), y = utf8_code_points(b);
  std::vector<int> prev(y.size() + 1), cur(y.size() + 1);
  for (std::size_t j = 0; j <= y.size(); ++j) prev[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= x.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= y.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[y.size()];
}

double char_accuracy(std::string_view truth, std::string_view read) {
  double n = std::max<std::size_t>(utf8_code_points(truth).size(), 1);
  return std::max(0.0, 1.0 - edit_distance(truth, read) / n);
}

std::optional<Snapped> snap_ethnicity(std::string_view text, int max_distance) {
  std::string t;
  for (const auto& cp : utf8_code_points(text))
    if (cp.size() > 1 && cp != "族") t += cp;  // drop ASCII noise and the 族 suffix
  if (t.empty()) return std::nullopt;
  std::optional<Snapped> best;
  bool tie = false;
  for (auto name : ethnicities()) {
    int d = edit_distance(t, name);
    if (!best || d < best->distance) {
      best = Snapped{std::string(name), d};
      tie = false;
    } else if (d == best->distance) {
      tie = true;
    }
  }
  if (!best || best->distance > max_distance || tie) return std::nullopt;
  // A one-character name is only trusted on an exact read.
  if (utf8_code_points(best->value).size() == 1 && best->distance > 0) return std::nullopt;
  return best;
}

std::string normalize_name(std::string_view name) {
  std::string out;
  for (const auto& cp : utf8_code_points(name)) {
    // U+FF01..U+FF5E full-width ASCII -> half-width.
    if (cp.size() == 3 && static_cast<unsigned char>(cp[0]) == 0xEF) {
      unsigned v = ((static_cast<unsigned char>(cp[0]) & 0x0F) << 12) |
                   ((static_cast<unsigned char>(cp[1]) & 0x3F) << 6) | (static_cast<unsigned char>(cp[2]) & 0x3F);
      if (v >= 0xFF01 && v <= 0xFF5E) {
        char c = static_cast<char>(v - 0xFF01 + 0x21);
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        continue;
      }
    }
    if (cp == "\xE3\x80\x80" || cp == " " || cp == "\t" || cp == "\n" || cp == "\r") continue;  // spaces
    if (cp == "\xC2\xB7" || cp == "\xE3\x83\xBB" || cp == "\xE2\x80\xA2" || cp == "\xE2\x80\xA7" ||
        cp == ".") {
      out += "\xC2\xB7";
      continue;
    }
    if (cp.size() == 1) {
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(cp[0])));
      continue;
    }
    out += cp;
  }
  return out;
}

std::string format_date(year_month_day d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()));
  return buf;
}

std::optional<year_month_day> parse_iso_date(std::string_view s) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (std::sscanf(std::string(s).c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3) return std::nullopt;
  year_month_day r{year(y), month(m), day(d)};
  if (!r.ok()) return std::nullopt;
  return r;
}

namespace {

std::string digits_of(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c >= '0' && c <= '9') out += c;
  return out;
}

std::optional<year_month_day> ymd8(std::string_view d) {
  if (d.size() != 8) return std::nullopt;
  year_month_day r{year(std::stoi(std::string(d.substr(0, 4)))),
                   month(static_cast<unsigned>(std::stoi(std::string(d.substr(4, 2))))),
                   day(static_cast<unsigned>(std::stoi(std::string(d.substr(6, 2)))))};
  if (!r.ok() || r.year() < year(1900) || r.year() > year(2200)) return std::nullopt;
  return r;
}

}  // namespace

std::optional<Validity> parse_validity(std::string_view text) {
  std::string d = digits_of(text);
  bool long_term = text.find("长期") != std::string_view::npos ||
                   (text.find("长") != std::string_view::npos && d.size() == 8) ||
                   (text.find("期") != std::string_view::npos && d.size() == 8);
  Validity v;
  if (d.size() == 8 && long_term) {
    auto from = ymd8(d);
    if (!from) return std::nullopt;
    v.from = *from;
    v.long_term = true;
    return v;
  }
  if (d.size() != 16) return std::nullopt;
  auto from = ymd8(d.substr(0, 8));
  auto to = ymd8(d.substr(8, 8));
  if (!from || !to) return std::nullopt;
  v.from = *from;
  v.to = *to;
  return v;
}

std::optional<year_month_day> parse_printed_birth(std::string_view text) {
  // Groups of digits separated by anything (年 月 日 or OCR noise).
  std::vector<std::string> groups;
  std::string cur;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      cur += c;
    } else if (!cur.empty()) {
      groups.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) groups.push_back(cur);
  if (groups.size() == 1 && groups[0].size() == 8) return ymd8(groups[0]);
  if (groups.size() != 3 || groups[0].size() != 4 || groups[1].size() > 2 || groups[2].size() > 2) return std::nullopt;
  year_month_day r{year(std::stoi(groups[0])), month(static_cast<unsigned>(std::stoi(groups[1]))),
                   day(static_cast<unsigned>(std::stoi(groups[2])))};
  if (!r.ok() || r.year() < year(1900)) return std::nullopt;
  return r;
}

int validity_span_years(const Validity& v) {
  if (v.long_term) return -1;
  if (!v.from.ok() || !v.to.ok()) return 0;
  int span = 0;
  for (int years_n : {5, 10, 20}) {
    year_month_day e{v.from.year() + years(years_n), v.from.month(), v.from.day()};
    if (!e.ok()) e = year_month_day{e.year(), month(3), day(1)};
    // Feb 29 issues expire on Feb 28 or Mar 1.
    auto diff = (sys_days(v.to) - sys_days(e)).count();
    if (diff >= -1 && diff <= 1) span = years_n;
  }
  return span;
}

bool validity_span_allowed(const Validity& v, year_month_day birth) {
  int age = idnumber::age_on(birth, v.from);
  auto span_for = [](int a) { return a < 16 ? 5 : a <= 25 ? 10 : a <= 45 ? 20 : 0; };
  std::vector<int> allowed = {span_for(age), span_for(age - 1), span_for(age + 1)};
  int span = validity_span_years(v);
  if (span == 0) return false;
  if (span < 0) span = 0;  // 长期
  return std::find(allowed.begin(), allowed.end(), span) != allowed.end();
}

}  // namespace shiming::idcard_ocr

namespace shiming::idcard_ocr {
namespace {

// A place of the GB/T 2260 table that can open an address ("市辖区", "县" and the like are
// grouping rows, not names printed in addresses).
struct Place {
  std::uint32_t code;
  std::vector<std::string> cps;
};

std::optional<Place> place(std::uint32_t code) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%06u", code);
  auto r = idnumber::find_region(buf);
  if (!r || r->name.empty()) return std::nullopt;
  std::string_view n = r->name;
  if (n == "县" || n.ends_with("辖区") || n.find("直辖") != std::string_view::npos) return std::nullopt;
  return Place{code, utf8_code_points(n)};
}

// Places with codes base + k * step, k = 1..99.
std::vector<Place> places_under(std::uint32_t base, std::uint32_t step) {
  std::vector<Place> out;
  for (std::uint32_t k = 1; k <= 99; ++k)
    if (auto p = place(base + k * step)) out.push_back(std::move(*p));
  return out;
}

struct PlaceMatch {
  const Place* place = nullptr;
  std::size_t length = 0;  // code points of the read it covers
  int distance = 0;
};

std::string join(const std::vector<std::string>& cps, std::size_t from, std::size_t to) {
  std::string s;
  for (std::size_t i = from; i < to && i < cps.size(); ++i) s += cps[i];
  return s;
}

// The place whose name the read continues with at `pos`, within a small edit distance (one edit
// for names of three or more characters, two from six; a two-character name only exactly,
// unless it is the place the number names). Ambiguous matches give nothing.
PlaceMatch match_place(const std::vector<std::string>& read, std::size_t pos, const std::vector<Place>& places,
                       std::uint32_t hint) {
  // Ranked by distance, then the hinted place, then the longer name.
  auto key = [&](const Place& p, int d) { return std::make_tuple(d, p.code == hint ? 0 : 1, -static_cast<int>(p.cps.size())); };
  PlaceMatch best;
  bool tie = false;
  for (const auto& p : places) {
    const std::size_t n = p.cps.size();
    const int allowed = n >= 6 ? 2 : n >= 3 ? 1 : p.code == hint ? 1 : 0;
    std::string name = join(p.cps, 0, n);
    for (std::size_t len = n > 1 ? n - 1 : n; len <= n + 1; ++len) {
      if (pos + len > read.size()) break;
      int d = edit_distance(name, join(read, pos, pos + len));
      if (d > allowed) continue;
      if (!best.place || key(p, d) < key(*best.place, best.distance)) {
        tie = false;
        best = {&p, len, d};
      } else if (key(p, d) == key(*best.place, best.distance) && p.cps != best.place->cps) {
        tie = true;
      }
    }
  }
  if (tie) return {};
  return best;
}

}  // namespace

namespace {

struct AddressPlaces {
  std::string province, city, district;  // snapped names, empty when not matched
  std::size_t skip = 0;                  // stray code points before the province
  std::size_t end = 0;                   // code points of the read they cover (with skip)
};

AddressPlaces address_places(const std::vector<std::string>& read, std::string_view region_code) {
  AddressPlaces out;
  std::uint32_t hint = 0;
  if (region_code.size() >= 6) {
    for (int i = 0; i < 6; ++i)
      if (region_code[i] >= '0' && region_code[i] <= '9') hint = hint * 10 + (region_code[i] - '0');
  }
  static const std::vector<Place> provinces = places_under(0, 10000);
  std::size_t pos = 0;
  // The province; a stray mark before it (a speck read as a character) is dropped when the
  // name follows exactly.
  PlaceMatch prov = match_place(read, 0, provinces, hint - hint % 10000);
  if ((!prov.place || prov.distance > 0) && read.size() > 1) {
    PlaceMatch shifted = match_place(read, 1, provinces, hint - hint % 10000);
    if (shifted.place && shifted.distance == 0) {
      prov = shifted;
      pos = 1;
    }
  }
  if (!prov.place) return out;
  out.skip = pos;
  out.province = join(prov.place->cps, 0, prov.place->cps.size());
  pos += prov.length;
  const std::uint32_t pcode = prov.place->code;
  // The city (prefecture); municipalities go straight to the district.
  std::vector<Place> cities = places_under(pcode, 100);
  PlaceMatch city = match_place(read, pos, cities, hint - hint % 100);
  std::vector<Place> districts;
  if (city.place) {
    out.city = join(city.place->cps, 0, city.place->cps.size());
    pos += city.length;
    districts = places_under(city.place->code, 1);
  } else {
    for (std::uint32_t c = 0; c <= 99; ++c) {
      auto more = places_under(pcode + c * 100, 1);
      districts.insert(districts.end(), more.begin(), more.end());
    }
  }
  PlaceMatch district = match_place(read, pos, districts, hint);
  if (district.place) {
    out.district = join(district.place->cps, 0, district.place->cps.size());
    pos += district.length;
  }
  out.end = pos;
  return out;
}

}  // namespace

std::string address_ones(std::string_view line) {
  auto cps = utf8_code_points(line);
  auto is_digit = [](const std::string& cp) { return cp.size() == 1 && cp[0] >= '0' && cp[0] <= '9'; };
  auto is_cjk = [](const std::string& cp) { return cp.size() >= 3; };
  std::string out;
  for (std::size_t i = 0; i < cps.size(); ++i) {
    const std::string& cp = cps[i];
    bool one = false;
    if (cp == "]" || cp == "[" || cp == "|" || cp == "!") {
      // Next to a 1 it is that 1's edge read twice (1]室 for 1室, 6]1号 for 61号): dropped, as
      // before.
      if ((i > 0 && cps[i - 1] == "1") || (i + 1 < cps.size() && cps[i + 1] == "1")) continue;
      one = true;
    } else if (cp == "l" || cp == "I" || cp == "i" || cp == "j") {
      const std::string* prev = i > 0 ? &cps[i - 1] : nullptr;
      const std::string* next = i + 1 < cps.size() ? &cps[i + 1] : nullptr;
      one = (prev && is_digit(*prev)) || (next && is_digit(*next)) || (prev && next && is_cjk(*prev) && is_cjk(*next));
    }
    out += one ? std::string("1") : cp;
  }
  return out;
}

std::string snap_address_regions(std::string_view address, std::string_view region_code) {
  auto read = utf8_code_points(address);
  AddressPlaces p = address_places(read, region_code);
  if (p.province.empty()) return std::string(address);
  return p.province + p.city + p.district + join(read, p.end, read.size());
}

std::string snap_issuing_authority(std::string_view authority, std::string_view address) {
  AddressPlaces p = address_places(utf8_code_points(address), "");
  if (p.district.empty()) return std::string(authority);
  // The police of the district or county, or the city's police and its branch for the district
  // (南京市公安局玄武分局; a municipality is its own city).
  std::string city = !p.city.empty() ? p.city : p.province.ends_with("市") ? p.province : std::string();
  auto dcps = utf8_code_points(p.district);
  std::string branch = p.district;
  if (dcps.size() >= 3 && dcps.back() == "区") branch = join(dcps, 0, dcps.size() - 1);
  std::vector<std::string> forms = {p.district + "公安局"};
  if (!city.empty()) forms.push_back(city + "公安局" + branch + "分局");
  const int n = static_cast<int>(utf8_code_points(authority).size());
  const int allowed = std::max(1, n / 5);
  std::string best;
  int best_d = allowed + 1;
  bool tie = false;
  for (const auto& f : forms) {
    int d = edit_distance(f, authority);
    if (d < best_d) {
      best = f;
      best_d = d;
      tie = false;
    } else if (d == best_d) {
      tie = true;
    }
  }
  // The city's police and the district's branch (公安局天河分局) read exactly, only the city's
  // name before them garbled (三田而 for 广州市): the branch names the address's district, so
  // the city is the address's too.
  if ((best.empty() || tie) && !city.empty() && forms.size() > 1) {
    const auto form = utf8_code_points(forms[1]), read = utf8_code_points(authority);
    const std::size_t city_n = utf8_code_points(city).size(), tail_n = form.size() - city_n;
    if (read.size() == form.size() && tail_n >= 5 &&
        join(read, city_n, read.size()) == join(form, city_n, form.size()))
      return forms[1];
  }
  if (best.empty() || tie) return std::string(authority);
  return best;
}

}  // namespace shiming::idcard_ocr

namespace shiming::idcard_ocr {

bool printed_birth_one_digit_short(std::string_view text, std::chrono::year_month_day expected) {
  if (!expected.ok()) return false;
  // The digits before 年, between 年 and 月, between 月 and 日 (spaces and noise dropped).
  std::vector<std::string> groups(1);
  for (const auto& cp : utf8_code_points(text)) {
    if (cp == "年" || cp == "月" || cp == "日") {
      if ((cp == "年" && groups.size() != 1) || (cp == "月" && groups.size() != 2) || (cp == "日" && groups.size() != 3))
        return false;
      groups.emplace_back();
    } else if (cp.size() == 1 && cp[0] >= '0' && cp[0] <= '9') {
      groups.back() += cp;
    }
  }
  if (groups.size() != 4 || !groups[3].empty()) return false;
  const std::string want[3] = {std::to_string(static_cast<int>(expected.year())),
                               std::to_string(static_cast<unsigned>(expected.month())),
                               std::to_string(static_cast<unsigned>(expected.day()))};
  int short_groups = 0;
  for (int i = 0; i < 3; ++i) {
    if (groups[i] == want[i]) continue;
    if (groups[i].size() + 1 != want[i].size()) return false;
    bool one_dropped = false;
    for (std::size_t k = 0; k < want[i].size() && !one_dropped; ++k)
      one_dropped = want[i].substr(0, k) + want[i].substr(k + 1) == groups[i];
    if (!one_dropped) return false;
    ++short_groups;
  }
  return short_groups == 1;
}

}  // namespace shiming::idcard_ocr

namespace shiming::idcard_ocr {

std::optional<ResolvedNumber> resolve_id_number(const std::vector<PositionCandidates>& positions, double margin) {
  if (positions.size() != 18) return std::nullopt;
  auto usable = [](const std::string& n) {
    auto c = idnumber::check(n, idnumber::Options{});
    return c.valid && c.region_known;
  };
  std::string best(18, '?');
  for (std::size_t i = 0; i < 18; ++i) {
    const auto& p = positions[i];
    if (p.empty()) return std::nullopt;
    auto top = std::max_element(p.begin(), p.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    best[i] = top->first;
  }
  if (usable(best)) return ResolvedNumber{best, 0};
  // One position changed to one of its other candidates.
  std::vector<std::pair<std::string, double>> found;
  for (std::size_t i = 0; i < 18; ++i) {
    for (const auto& [c, w] : positions[i]) {
      if (c == best[i] || w <= 0) continue;
      if (c == 'X' && i != 17) continue;
      std::string n = best;
      n[i] = c;
      if (!usable(n)) continue;
      auto same = std::find_if(found.begin(), found.end(), [&](const auto& f) { return f.first == n; });
      if (same != found.end()) same->second = std::max(same->second, w);
      else found.emplace_back(n, w);
    }
  }
  if (found.empty()) return std::nullopt;
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (found.size() > 1 && found[0].second < margin * found[1].second) return std::nullopt;
  return ResolvedNumber{found[0].first, 1};
}

bool birth_reads_scatter_around(const std::vector<std::chrono::year_month_day>& reads,
                                std::chrono::year_month_day expected) {
  if (!expected.ok()) return false;
  auto digits = [](std::chrono::year_month_day d) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d%02u%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                  static_cast<unsigned>(d.day()));
    return std::string(buf);
  };
  const std::string want = digits(expected);
  std::set<std::string> distinct;
  for (const auto& r : reads) {
    if (!r.ok()) return false;
    const std::string got = digits(r);
    int differ = 0;
    for (std::size_t i = 0; i < want.size(); ++i) differ += got[i] != want[i];
    if (differ > 1) return false;
    distinct.insert(got);
  }
  return distinct.size() >= 2;
}

}  // namespace shiming::idcard_ocr
