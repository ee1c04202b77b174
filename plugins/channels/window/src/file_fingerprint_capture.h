// The sample BiometricCapture: reads an ISO/IEC 19794-2 template file (what a reader's driver
// would write), so the counter flow runs without hardware.
#pragma once

#include <string>

#include <shiming/sdk/biometric.h>

namespace shiming::window {

class FileFingerprintCapture : public sdk::BiometricCapture {
 public:
  explicit FileFingerprintCapture(std::string path) : path_(std::move(path)) {}
  // DEVICE_UNAVAILABLE when the file cannot be read, TEMPLATE_INVALID when it is not a record.
  sdk::Result<sdk::BiometricSample> capture() override;
  std::string description() const override { return "ISO/IEC 19794-2 template file"; }

 private:
  std::string path_;
};

}  // namespace shiming::window
