// The face comparer, built when shiming_face (plugins/verifiers/face_common) exists.
#include "photo_comparer.h"

#ifdef SHIMING_SIM_WITH_FACE
#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "shiming/face/face_descriptor.h"
#include "shiming/face/face_models.h"
#include "shiming/face/image_decode.h"
#endif

namespace shiming::authority_sim {

#ifdef SHIMING_SIM_WITH_FACE
namespace {

class FaceComparer : public PhotoComparer {
 public:
  FaceComparer(std::unique_ptr<face::FaceAnalyzer> analyzer, std::unique_ptr<face::FaceDescriptorNet> net)
      : analyzer_(std::move(analyzer)), net_(std::move(net)) {}

  const char* method() const override { return "face_descriptor"; }

  sdk::Status prepare(const Registry& registry) override {
    for (const auto& [id, c] : registry.citizens()) {
      if (c.portrait_file.empty()) continue;
      std::ifstream in(c.portrait_file, std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      auto d = describe(ss.str());
      if (!d)
        return sdk::make_error("SIM_REGISTRY_INVALID",
                               "Portrait " + c.portrait_file + ": " + d.error().message,
                               "证件照 " + c.portrait_file + "：" + d.error().message_zh);
      portraits_[id] = *d;
    }
    return {};
  }

  sdk::Result<double> similarity(const std::string& photo, const Citizen& c) const override {
    auto it = portraits_.find(c.id_number);
    if (it == portraits_.end()) return 0.0;
    auto d = describe(photo);
    if (!d) return d.error();
    double distance = face::descriptor_distance(*d, it->second);
    return std::clamp(1.0 - distance / 1.2, 0.0, 1.0);
  }

 private:
  sdk::Result<face::FaceDescriptor> describe(const std::string& bytes) const {
    auto image = face::decode_image(std::span<const std::uint8_t>(
        reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
    if (!image) return image.error();
    auto faces = analyzer_->analyze(*image);
    if (faces.empty())
      return sdk::make_error("NO_FACE", "No face found in the photo.", "照片中未检测到人脸。");
    const auto& main = *std::max_element(faces.begin(), faces.end(), [](const auto& a, const auto& b) {
      return a.detection.box.width < b.detection.box.width;
    });
    return net_->compute(*image, main.landmarks);
  }

  std::unique_ptr<face::FaceAnalyzer> analyzer_;
  std::unique_ptr<face::FaceDescriptorNet> net_;
  std::map<std::string, face::FaceDescriptor> portraits_;
};

}  // namespace

bool face_comparison_built() { return true; }

sdk::Result<std::unique_ptr<PhotoComparer>> make_face_comparer() {
  auto analyzer = face::FaceAnalyzer::load(face::kDefaultLandmarkModel);
  if (!analyzer) return analyzer.error();
  auto net = face::FaceDescriptorNet::load(face::default_descriptor_model_dir());
  if (!net) return net.error();
  return std::unique_ptr<PhotoComparer>(new FaceComparer(std::move(*analyzer), std::move(*net)));
}

#else

bool face_comparison_built() { return false; }

sdk::Result<std::unique_ptr<PhotoComparer>> make_face_comparer() {
  return sdk::make_error("SIM_FACE_UNAVAILABLE",
                         "This simulator was built without the face library (shiming_face).",
                         "该模拟器构建时未包含人脸库（shiming_face）。");
}

#endif

}  // namespace shiming::authority_sim
