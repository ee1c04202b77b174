#include "file_fingerprint_capture.h"

#include <fstream>
#include <iterator>

#include "iso19794.h"

namespace shiming::window {

sdk::Result<sdk::BiometricSample> FileFingerprintCapture::capture() {
  std::ifstream in(path_, std::ios::binary);
  if (!in)
    return sdk::make_error("DEVICE_UNAVAILABLE", "The fingerprint template file cannot be read: " + path_,
                           "无法读取指纹模板文件。");
  std::vector<std::uint8_t> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (data.size() > (1u << 20))
    return sdk::make_error("TEMPLATE_INVALID", "The fingerprint template file is larger than 1 MiB.",
                           "指纹模板文件过大。");
  auto parsed = parse_iso19794_2(data);
  if (!parsed) return parsed.error();
  sdk::BiometricSample s;
  s.modality = "fingerprint";
  s.format = "ISO/IEC 19794-2:2005";
  s.quality = parsed->quality();
  s.data = std::move(data);
  s.device = "file";
  return s;
}

}  // namespace shiming::window
