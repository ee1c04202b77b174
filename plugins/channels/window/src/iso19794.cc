#include "iso19794.h"

#include <algorithm>

namespace shiming::window {
namespace {

constexpr std::size_t kHeaderSize = 24;
constexpr std::size_t kViewHeaderSize = 4;
constexpr std::size_t kMinutiaSize = 6;

// `why` and `why_zh` say the same thing: what in the record is wrong.
sdk::Error invalid(const std::string& why, const std::string& why_zh) {
  return sdk::make_error("TEMPLATE_INVALID", "The fingerprint template is not a valid ISO/IEC 19794-2 record: " + why + ".",
                         "指纹模板不是有效的 ISO/IEC 19794-2 格式：" + why_zh + "。", "body");
}

unsigned get16(const std::vector<std::uint8_t>& b, std::size_t at) { return (b[at] << 8) | b[at + 1]; }
unsigned long get32(const std::vector<std::uint8_t>& b, std::size_t at) {
  return (static_cast<unsigned long>(b[at]) << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
}
void put16(std::vector<std::uint8_t>& b, unsigned v) { b.push_back((v >> 8) & 0xff); b.push_back(v & 0xff); }
void put32(std::vector<std::uint8_t>& b, unsigned long v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back((v >> s) & 0xff);
}

}  // namespace

int FingerprintTemplate::quality() const {
  int q = 100;
  for (const auto& v : views) q = std::min(q, v.quality);
  return views.empty() ? 0 : q;
}

sdk::Result<FingerprintTemplate> parse_iso19794_2(const std::vector<std::uint8_t>& b) {
  if (b.size() < kHeaderSize) return invalid("shorter than the 24-byte header", "不足 24 字节的记录头");
  if (!(b[0] == 'F' && b[1] == 'M' && b[2] == 'R' && b[3] == 0)) return invalid("no 'FMR' format identifier", "缺少“FMR”格式标识");
  if (!(b[4] == ' ' && b[5] == '2' && b[6] == '0' && b[7] == 0)) return invalid("version is not ' 20'", "版本号不是“ 20”");
  if (get32(b, 8) != b.size()) return invalid("record length field does not match the data size", "记录长度字段与数据大小不符");
  FingerprintTemplate t;
  t.equipment_id = get16(b, 12) & 0x0fff;
  t.width = get16(b, 14);
  t.height = get16(b, 16);
  t.resolution_x = get16(b, 18);
  t.resolution_y = get16(b, 20);
  int views = b[22];
  if (views < 1) return invalid("no finger view", "没有手指视图");
  if (t.width == 0 || t.height == 0 || t.resolution_x == 0 || t.resolution_y == 0)
    return invalid("image size or resolution is zero", "图像尺寸或分辨率为零");
  std::size_t at = kHeaderSize;
  for (int i = 0; i < views; ++i) {
    if (at + kViewHeaderSize > b.size()) return invalid("finger view " + std::to_string(i + 1) + " is truncated", "第 " + std::to_string(i + 1) + " 个手指视图不完整");
    FingerView v;
    v.position = b[at];
    v.view_number = b[at + 1] >> 4;
    v.impression_type = b[at + 1] & 0x0f;
    v.quality = b[at + 2];
    int count = b[at + 3];
    at += kViewHeaderSize;
    if (v.position > 10) return invalid("finger position " + std::to_string(v.position) + " is out of range", "手指位置 " + std::to_string(v.position) + " 超出范围");
    if (v.quality > 100) return invalid("finger quality above 100", "手指质量值大于 100");
    if (at + count * kMinutiaSize + 2 > b.size()) return invalid("minutiae of view " + std::to_string(i + 1) + " are truncated", "第 " + std::to_string(i + 1) + " 个视图的细节点不完整");
    for (int m = 0; m < count; ++m) {
      Minutia x;
      unsigned w0 = get16(b, at), w1 = get16(b, at + 2);
      x.type = w0 >> 14;
      x.x = w0 & 0x3fff;
      x.y = w1 & 0x3fff;
      x.angle = b[at + 4];
      x.quality = b[at + 5];
      if (x.x >= t.width || x.y >= t.height) return invalid("a minutia lies outside the image", "有细节点位于图像之外");
      v.minutiae.push_back(x);
      at += kMinutiaSize;
    }
    unsigned ext = get16(b, at);
    at += 2 + ext;
    if (at > b.size()) return invalid("extended data is truncated", "扩展数据不完整");
    t.views.push_back(std::move(v));
  }
  if (at != b.size()) return invalid("trailing bytes after the last finger view", "最后一个手指视图之后有多余字节");
  return t;
}

std::vector<std::uint8_t> encode_iso19794_2(const FingerprintTemplate& t) {
  std::vector<std::uint8_t> b = {'F', 'M', 'R', 0, ' ', '2', '0', 0, 0, 0, 0, 0};
  put16(b, t.equipment_id & 0x0fff);
  put16(b, t.width);
  put16(b, t.height);
  put16(b, t.resolution_x);
  put16(b, t.resolution_y);
  b.push_back(static_cast<std::uint8_t>(t.views.size()));
  b.push_back(0);
  for (const auto& v : t.views) {
    b.push_back(v.position);
    b.push_back(((v.view_number & 0x0f) << 4) | (v.impression_type & 0x0f));
    b.push_back(v.quality);
    b.push_back(static_cast<std::uint8_t>(v.minutiae.size()));
    for (const auto& m : v.minutiae) {
      put16(b, ((m.type & 3) << 14) | (m.x & 0x3fff));
      put16(b, m.y & 0x3fff);
      b.push_back(m.angle);
      b.push_back(m.quality);
    }
    put16(b, 0);
  }
  std::vector<std::uint8_t> len;
  put32(len, b.size());
  std::copy(len.begin(), len.end(), b.begin() + 8);
  return b;
}

}  // namespace shiming::window
