#pragma once
// A biometric capture device at a counter (fingerprint reader ...), as the
// window channel uses it. The device returns a standard template, never an
// image: for fingerprints ISO/IEC 19794-2 finger minutiae record bytes.
#include <cstdint>
#include <string>
#include <vector>

#include "shiming/sdk/result.h"

namespace shiming::sdk {

struct BiometricSample {
  std::string modality;             // "fingerprint"
  std::string format;               // "ISO/IEC 19794-2:2005"
  std::vector<std::uint8_t> data;   // the template bytes (stored encrypted by the host)
  int quality = 0;                  // 0..100, as reported in the template / by the device
  std::string device;               // safe to log: model or sample source
};

class BiometricCapture {
 public:
  virtual ~BiometricCapture() = default;
  // Captures one sample; errors: DEVICE_UNAVAILABLE, CAPTURE_FAILED, TEMPLATE_INVALID.
  virtual Result<BiometricSample> capture() = 0;
  virtual std::string description() const = 0;
};

}  // namespace shiming::sdk
