#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "shiming/idnumber/id_number.h"

namespace shiming::idnumber {
namespace {

TEST(Region, HistoricalUnionKeepsRetiredCodesWithTheirLatestName) {
  auto chongwen = find_region("110103");  // 崇文区, merged into 东城区 in 2010
  ASSERT_TRUE(chongwen);
  EXPECT_EQ(chongwen->name, "崇文区");
  EXPECT_EQ(find_region("110000")->name, "北京市");
  EXPECT_EQ(find_region("441900")->name, "东莞市");
  EXPECT_FALSE(find_region("440401"));
  EXPECT_FALSE(find_region("11010"));
  EXPECT_FALSE(find_region("11010a"));
  EXPECT_FALSE(find_region("000000"));
}

// The embedded table holds exactly the distinct codes of the vendored CSV.
TEST(Region, TableMatchesTheVendoredCsv) {
  std::ifstream in(std::string(SHIMING_SOURCE_DIR) + "/third_party/gb2260/address_code_1980_2020.csv");
  ASSERT_TRUE(in);
  std::set<std::string> codes;
  std::string line;
  while (std::getline(in, line)) {
    auto c1 = line.find(',');
    codes.insert(line.substr(c1 + 1, 6));
  }
  EXPECT_EQ(codes.size(), 6734u);
  EXPECT_EQ(region_count(), codes.size());
  for (const auto& code : codes) EXPECT_TRUE(find_region(code)) << code;
}

}  // namespace
}  // namespace shiming::idnumber
