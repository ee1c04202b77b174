#include "photo_comparer.h"
#include "shiming/authority/protocol.h"

namespace shiming::authority_sim {
namespace {

class Sha256Comparer : public PhotoComparer {
 public:
  const char* method() const override { return "sha256"; }
  sdk::Status prepare(const Registry&) override { return {}; }
  sdk::Result<double> similarity(const std::string& photo, const Citizen& c) const override {
    return (!c.portrait_sha256.empty() && authority::sha256_hex(photo) == c.portrait_sha256) ? 1.0 : 0.0;
  }
};

}  // namespace

std::unique_ptr<PhotoComparer> make_sha256_comparer() { return std::make_unique<Sha256Comparer>(); }

}  // namespace shiming::authority_sim
