#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "file_fingerprint_capture.h"
#include "iso19794.h"

namespace shiming::window {
namespace {

FingerprintTemplate sample() {
  FingerprintTemplate t;
  t.width = 400;
  t.height = 500;
  FingerView v;
  v.position = 2;
  v.quality = 83;
  for (int i = 0; i < 30; ++i) v.minutiae.push_back({1 + i % 2, 10 + i * 11, 20 + i * 13, i * 7, 60 + i});
  t.views.push_back(v);
  v.position = 7;
  v.quality = 71;
  v.minutiae.resize(12);
  t.views.push_back(v);
  return t;
}

TEST(Iso19794, RoundTripKeepsEveryField) {
  auto bytes = encode_iso19794_2(sample());
  EXPECT_EQ(bytes.size(), 24u + 2 * 6 + 42 * 6);
  auto parsed = parse_iso19794_2(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_EQ(parsed->views.size(), 2u);
  EXPECT_EQ(parsed->views[0].minutiae.size(), 30u);
  EXPECT_EQ(parsed->views[0].minutiae[29].x, 10 + 29 * 11);
  EXPECT_EQ(parsed->views[0].minutiae[29].y, 20 + 29 * 13);
  EXPECT_EQ(parsed->views[0].minutiae[5].type, 2);
  EXPECT_EQ(parsed->views[1].position, 7);
  EXPECT_EQ(parsed->quality(), 71);
}

TEST(Iso19794, RefusesDamagedRecords) {
  auto good = encode_iso19794_2(sample());
  auto bad_magic = good;
  bad_magic[0] = 'X';
  EXPECT_EQ(parse_iso19794_2(bad_magic).error().code, "TEMPLATE_INVALID");
  // People read the detail in their language: the zh-CN text says what is wrong in Chinese.
  EXPECT_NE(parse_iso19794_2(bad_magic).error().message_zh.find("缺少“FMR”格式标识"), std::string::npos);
  EXPECT_NE(parse_iso19794_2(bad_magic).error().message.find("no 'FMR' format identifier"), std::string::npos);
  auto truncated = good;
  truncated.resize(good.size() - 3);
  EXPECT_EQ(parse_iso19794_2(truncated).error().message_zh,
            "指纹模板不是有效的 ISO/IEC 19794-2 格式：记录长度字段与数据大小不符。");  // length field no longer matches
  auto fixed_len = truncated;
  fixed_len[11] = static_cast<std::uint8_t>(fixed_len[11] - 3);
  EXPECT_FALSE(parse_iso19794_2(fixed_len).ok());  // minutiae truncated
  auto outside = good;
  outside[24 + 4] = 0xff;  // first minutia x high bits -> beyond the image width
  outside[24 + 5] = 0xff;
  EXPECT_FALSE(parse_iso19794_2(outside).ok());
  EXPECT_FALSE(parse_iso19794_2({}).ok());
}

TEST(FileFingerprintCapture, ReadsATemplateFileAndReportsItsQuality) {
  auto path = std::filesystem::temp_directory_path() / "shiming-fmr-test.iso";
  auto bytes = encode_iso19794_2(sample());
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  FileFingerprintCapture device(path.string());
  auto s = device.capture();
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->quality, 71);
  EXPECT_EQ(s->data, bytes);
  EXPECT_EQ(s->format, "ISO/IEC 19794-2:2005");
  std::filesystem::remove(path);
  EXPECT_EQ(device.capture().error().code, "DEVICE_UNAVAILABLE");
}

}  // namespace
}  // namespace shiming::window
