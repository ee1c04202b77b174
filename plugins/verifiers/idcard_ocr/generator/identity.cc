// Random but valid identities for synthetic cards.
#include <cstdio>
#include <string>
#include <vector>

#include "shiming/idcard_ocr/card_generator.h"
#include "shiming/idcard_ocr/text_rules.h"
#include "shiming/idnumber/id_number.h"

namespace shiming::idcard_ocr::gen {
namespace {

using namespace std::chrono;

struct RegionName {
  const char* code;
  const char* province;  // printed before the city, empty for municipalities
  const char* city;
  const char* district;
};

// Real GB/T 2260 codes (checked against the id_number region table in the tests).
const RegionName kRegions[] = {
    {"110105", "", "北京市", "朝阳区"},       {"110108", "", "北京市", "海淀区"},
    {"310104", "", "上海市", "徐汇区"},       {"310115", "", "上海市", "浦东新区"},
    {"120101", "", "天津市", "和平区"},       {"500103", "", "重庆市", "渝中区"},
    {"440106", "广东省", "广州市", "天河区"}, {"440305", "广东省", "深圳市", "南山区"},
    {"330106", "浙江省", "杭州市", "西湖区"}, {"320102", "江苏省", "南京市", "玄武区"},
    {"320508", "江苏省", "苏州市", "姑苏区"}, {"510107", "四川省", "成都市", "武侯区"},
    {"420106", "湖北省", "武汉市", "武昌区"}, {"430104", "湖南省", "长沙市", "岳麓区"},
    {"610113", "陕西省", "西安市", "雁塔区"}, {"370102", "山东省", "济南市", "历下区"},
    {"370212", "山东省", "青岛市", "崂山区"}, {"410105", "河南省", "郑州市", "金水区"},
    {"130102", "河北省", "石家庄市", "长安区"}, {"350203", "福建省", "厦门市", "思明区"},
    {"450103", "广西壮族自治区", "南宁市", "青秀区"}, {"530102", "云南省", "昆明市", "五华区"},
    {"520102", "贵州省", "贵阳市", "南明区"}, {"150102", "内蒙古自治区", "呼和浩特市", "新城区"},
    {"650102", "新疆维吾尔自治区", "乌鲁木齐市", "天山区"}, {"540102", "西藏自治区", "拉萨市", "城关区"},
    {"640104", "宁夏回族自治区", "银川市", "兴庆区"}, {"210102", "辽宁省", "沈阳市", "和平区"},
    {"220102", "吉林省", "长春市", "南关区"}, {"230103", "黑龙江省", "哈尔滨市", "南岗区"},
    {"340104", "安徽省", "合肥市", "蜀山区"}, {"360102", "江西省", "南昌市", "东湖区"},
    {"460106", "海南省", "海口市", "龙华区"}, {"620102", "甘肃省", "兰州市", "城关区"},
    {"630102", "青海省", "西宁市", "城东区"}, {"140105", "山西省", "太原市", "小店区"},
    {"130627", "河北省", "保定市", "唐县"},   {"411723", "河南省", "驻马店市", "平舆县"},
};

const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙",
                           "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋",
                           "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "萧", "田", "董", "袁",
                           "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
                           "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金",
                           "石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦",
                           "邱", "江", "尹", "薛", "闫", "段", "雷", "侯", "龙", "史", "陶", "黎",
                           "贺", "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "覃", "武", "戴",
                           "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容",
                           "邝", "冼", "亓", "仉", "佘", "靳", "濮", "禤", "敖", "晏"};
const char* kGiven[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳",
                        "杰", "娟", "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华",
                        "文", "玉", "兰", "梅", "海", "红", "鹏", "飞", "宇", "浩", "然", "子",
                        "轩", "涵", "欣", "怡", "佳", "琪", "晨", "思", "雨", "梓", "博", "嘉",
                        "志", "国", "建", "春", "晓", "东", "雪", "琳", "婷", "颖", "睿", "泽",
                        "瑶", "婧", "昊", "天", "一", "诺", "萱", "铭", "俊", "凯", "辉", "丹",
                        // rarer characters
                        "喆", "堃", "淼", "犇", "昇", "珺", "彧", "瑄", "玥", "翀", "旻", "骞",
                        "懿", "弢", "垚", "鑫", "湉", "祎", "璟", "赟", "晟", "甄", "翊", "珩"};
const char* kStreets[] = {"人民路", "建设路", "解放大街", "中山北路", "和平里", "幸福小区",
                          "朝阳门外大街", "学府路", "长江路", "黄河大道", "新华街", "胜利路",
                          "文化路", "光明巷", "青年路", "花园街", "滨江路", "北京东路"};
const char* kTowns[] = {"城关镇", "新华乡", "东风镇", "柳林镇", "桥头镇", "石门乡"};
const char* kVillages[] = {"王家庄村", "李家湾村", "前进村", "红星村", "河东村", "杨柳村"};

template <class T, std::size_t N>
const T& pick(const T (&a)[N], std::mt19937_64& rng) {
  return a[std::uniform_int_distribution<std::size_t>(0, N - 1)(rng)];
}
int uniform(std::mt19937_64& rng, int lo, int hi) {
  return std::uniform_int_distribution<int>(lo, hi)(rng);
}
year_month_day random_date(std::mt19937_64& rng, sys_days from, sys_days to) {
  int span = (to - from).count();
  return year_month_day{from + days(uniform(rng, 0, span > 0 ? span : 0))};
}
year_month_day add_years(year_month_day d, int n) {
  year_month_day r{d.year() + years(n), d.month(), d.day()};
  if (!r.ok()) r = year_month_day{r.year(), r.month(), day(28)};  // Feb 29 in a common year
  return r;
}
std::string pad(unsigned v, int width) {
  std::string s = std::to_string(v);
  while (static_cast<int>(s.size()) < width) s = "0" + s;
  return s;
}

std::vector<std::string> wrap(const std::string& text, std::size_t per_line) {
  auto cps = utf8_code_points(text);
  std::vector<std::string> lines;
  std::string cur;
  std::size_t width = 0;  // two ASCII digits take the room of one Chinese character
  for (const auto& cp : cps) {
    std::size_t w = cp.size() == 1 ? 1 : 2;
    if (width + w > per_line * 2) {
      lines.push_back(cur);
      cur.clear();
      width = 0;
    }
    cur += cp;
    width += w;
  }
  if (!cur.empty()) lines.push_back(cur);
  return lines;
}

}  // namespace

std::string Identity::address() const {
  std::string s;
  for (const auto& l : address_lines) s += l;
  return s;
}

nlohmann::json Identity::truth_json() const {
  auto ymd = [](year_month_day d) { return format_date(d); };
  nlohmann::json j;
  j["name"] = name;
  j["sex"] = sex;
  j["ethnicity"] = ethnicity;
  j["birth"] = ymd(birth);
  j["address"] = address();
  j["id_number"] = id_number;
  j["issuing_authority"] = issuing_authority;
  j["valid_from"] = ymd(valid_from);
  j["valid_to"] = long_term ? std::string("长期") : ymd(valid_to);
  return j;
}

Identity random_identity(std::mt19937_64& rng, year_month_day today) {
  Identity id;
  const RegionName& region = pick(kRegions, rng);

  // Name: a surname and 1-3 given characters (2-4 characters in all).
  std::string surname = pick(kSurnames, rng);
  std::size_t surname_len = utf8_code_points(surname).size();
  int given = uniform(rng, 1, surname_len == 2 ? 2 : 3);
  if (surname_len == 1 && given == 3 && uniform(rng, 0, 3) != 0) given = uniform(rng, 1, 2);
  id.name = surname;
  for (int i = 0; i < given; ++i) id.name += pick(kGiven, rng);

  // Ethnicity: mostly 汉, the others uniformly.
  const auto& all = ethnicities();
  id.ethnicity = uniform(rng, 0, 99) < 80 ? std::string("汉")
                                           : std::string(all[uniform(rng, 0, static_cast<int>(all.size()) - 1)]);

  sys_days latest_birth = sys_days(today) - days(365 * 6);
  id.birth = random_date(rng, sys_days(year_month_day{year(1940), month(1), day(1)}), latest_birth);

  // Number: region, birth, sequence (odd = male), check character; ~15% end in X.
  bool want_x = uniform(rng, 0, 99) < 15;
  std::string first17;
  char check = 0;
  for (int attempt = 0; attempt < 200; ++attempt) {
    first17 = std::string(region.code) + pad(static_cast<unsigned>(static_cast<int>(id.birth.year())), 4) +
              pad(static_cast<unsigned>(id.birth.month()), 2) + pad(static_cast<unsigned>(id.birth.day()), 2) +
              pad(static_cast<unsigned>(uniform(rng, 0, 999)), 3);
    check = idnumber::check_character(first17);
    if ((check == 'X') == want_x) break;
  }
  id.id_number = first17 + check;
  id.sex = ((first17[16] - '0') % 2 == 1) ? "男" : "女";

  // Address.
  std::string addr = std::string(region.province) + region.city + region.district;
  if (std::string(region.district).ends_with("县") || uniform(rng, 0, 4) == 0) {
    addr += std::string(pick(kTowns, rng)) + pick(kVillages, rng) + std::to_string(uniform(rng, 1, 12)) +
            "组" + std::to_string(uniform(rng, 1, 99)) + "号";
  } else {
    addr += std::string(pick(kStreets, rng)) + std::to_string(uniform(rng, 1, 399)) + "号";
    if (uniform(rng, 0, 1) == 0)
      addr += std::to_string(uniform(rng, 1, 30)) + "号楼" + std::to_string(uniform(rng, 1, 6)) + "单元" +
              std::to_string(uniform(rng, 101, 2604)) + "室";
  }
  id.address_lines = wrap(addr, 11);
  if (id.address_lines.size() > 3) id.address_lines.resize(3);

  // Issuing authority.
  std::string district = region.district;
  if (district.ends_with("县")) {
    id.issuing_authority = district + "公安局";
  } else {
    std::string short_district = district.substr(0, district.size() - 3);  // drop 区
    if (utf8_code_points(short_district).size() < 2) short_district = district;
    id.issuing_authority = std::string(region.city) + "公安局" + short_district + "分局";
  }

  // Validity: issued between age 1 and today; the span follows the age at issue.
  sys_days earliest_issue = std::max(sys_days(add_years(id.birth, 1)),
                                     sys_days(year_month_day{year(2005), month(1), day(1)}));
  if (earliest_issue > sys_days(today) - days(30)) earliest_issue = sys_days(today) - days(30);
  id.valid_from = random_date(rng, earliest_issue, sys_days(today) - days(1));
  int age = idnumber::age_on(id.birth, id.valid_from);
  int span = age < 16 ? 5 : age <= 25 ? 10 : age <= 45 ? 20 : 0;
  if (span == 0) {
    id.long_term = true;
  } else {
    id.valid_to = add_years(id.valid_from, span);
  }
  return id;
}

}  // namespace shiming::idcard_ocr::gen
