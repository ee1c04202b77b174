#pragma once
// How the simulator compares a submitted photo with a citizen's registered
// portrait. Similarity is 0..1; the check answers photo_mismatch under the
// configured threshold.
//   face:   the project's face descriptor (plugins/verifiers/face_common,
//           dlib ResNet): similarity = 1 - distance / 1.2, so the usual dlib
//           same-person distance 0.6 is similarity 0.5.
//   sha256: identical bytes only (1.0 or 0.0); no face comparison at all.
#include <memory>
#include <string>

#include "registry.h"
#include "shiming/sdk/result.h"

namespace shiming::authority_sim {

class PhotoComparer {
 public:
  virtual ~PhotoComparer() = default;
  virtual const char* method() const = 0;
  // Prepares the registered portraits (e.g. their descriptors). Errors name the file.
  virtual sdk::Status prepare(const Registry& registry) = 0;
  // Similarity of `photo` (image bytes) with the citizen's portrait; an error
  // when the photo cannot be used (not an image, no face): the check answers
  // photo_mismatch with similarity 0 and the error code in photo_problem.
  virtual sdk::Result<double> similarity(const std::string& photo, const Citizen& citizen) const = 0;
};

std::unique_ptr<PhotoComparer> make_sha256_comparer();
// The face comparer, or an error when the simulator was built without
// shiming_face or the models cannot be loaded.
sdk::Result<std::unique_ptr<PhotoComparer>> make_face_comparer();
bool face_comparison_built();

}  // namespace shiming::authority_sim
