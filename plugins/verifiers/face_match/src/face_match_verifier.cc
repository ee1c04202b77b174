#include "face_match_verifier.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "shiming/face/image_decode.h"
#include "shiming/face/schema_fields.h"

namespace shiming::face_match {

using face::bool_field;
using face::number_field;

namespace {

double round4(double v) { return std::round(v * 10000.0) / 10000.0; }

sdk::Reason no_face_in(const std::string& role) {
  if (role == "live") {
    return {"LIVE_FACE_NOT_FOUND", "No face was found in the live photo.", "现场照片中未检测到人脸。",
            "Take the face photo again, facing the camera in good light.", "请正对镜头、在光线充足处重新拍摄人脸照片。"};
  }
  if (role == "id_portrait") {
    return {"PORTRAIT_FACE_NOT_FOUND", "No face was found in the ID card portrait.", "身份证人像中未检测到人脸。",
            "Photograph the front of the ID card again, flat and without glare.", "请重新拍摄身份证人像面，保持平整、无反光。"};
  }
  return {"AUTHORITY_FACE_NOT_FOUND", "No face was found in the registered photo.", "登记照片中未检测到人脸。",
          "Staff will review your case.", "工作人员将人工审核您的申请。"};
}

}  // namespace

FaceMatchVerifier::FaceMatchVerifier(const sdk::PluginInit& init) {
  face::DetectorOptions options;
  options.min_score = init.config.value("min_detection_score", 0.3);
  auto analyzer = face::FaceAnalyzer::load(
      init.config.value("landmark_model", std::string(face::kDefaultLandmarkModel)), options);
  if (!analyzer) throw std::runtime_error(analyzer.error().message);
  analyzer_ = std::move(*analyzer);
  auto net = face::FaceDescriptorNet::load(
      init.config.value("descriptor_model_dir", face::default_descriptor_model_dir()));
  if (!net) throw std::runtime_error(net.error().message);
  net_ = std::move(*net);
}

sdk::ConfigSchema FaceMatchVerifier::config_schema() {
  sdk::ConfigSchema s;
  s.fields = face::model_config_fields(true);
  s.fields.push_back(number_field("min_detection_score", 0.3, -1, 5, "HOG detections scoring below this are not faces"));
  return s;
}

sdk::ConfigSchema FaceMatchVerifier::rules_schema() {
  sdk::ConfigSchema s;
  s.fields = {
      number_field("threshold", 0.5, 0.2, 1.2,
                   "descriptor distance under which two faces pass as the same person (dlib's LFW figure is 0.6; "
                   "0.5 keeps false matches rare, see tests/bench/face)"),
      number_field("review_margin", 0.1, 0, 0.5,
                   "distances in [threshold, threshold + margin] go to a person for review"),
      bool_field("compare_authority_photo", true,
                 "also compare with the authority's registered photo when one was returned"),
      face::integer_field("max_image_bytes", 15 * 1024 * 1024, 1024, 100 * 1024 * 1024, "largest accepted image"),
  };
  return s;
}

FaceMatchVerifier::Described FaceMatchVerifier::describe(const sdk::Evidence& ev, const std::string& role) const {
  Described out;
  auto image = face::decode_image(ev.data);
  if (!image) {
    const auto& e = image.error();
    out.problem = sdk::Reason{e.code, e.message, e.message_zh, no_face_in(role).advice, no_face_in(role).advice_zh};
    return out;
  }
  auto faces = analyzer_->analyze(*image);
  out.details["faces"] = faces.size();
  if (faces.empty()) {
    out.problem = no_face_in(role);
    return out;
  }
  const auto& main = *std::max_element(faces.begin(), faces.end(), [](const auto& a, const auto& b) {
    return a.detection.box.width < b.detection.box.width;
  });
  out.details["face_px"] = main.detection.box.width;
  out.descriptor = net_->compute(*image, main.landmarks);
  return out;
}

sdk::Finding FaceMatchVerifier::run(sdk::VerificationContext& ctx) {
  const auto& params = ctx.params();
  const double threshold = params.value("threshold", 0.5);
  const double margin = params.value("review_margin", 0.1);
  auto live_ev = ctx.evidence(sdk::evidence_kind::kFace);
  auto portrait_ev = ctx.evidence(sdk::evidence_kind::kIdPortrait);
  if (!live_ev || !portrait_ev) {
    return sdk::Finding::with(sdk::Outcome::fail,
                              {"EVIDENCE_MISSING", "The live photo or the ID card portrait is missing.",
                               "缺少现场照片或身份证人像。", "Upload the face photo and the ID card front.",
                               "请上传人脸照片和身份证人像面。"});
  }
  sdk::Finding f;
  f.details["threshold"] = threshold;
  f.details["model"] = "dlib ResNet-29 (face-api 1.7.15 weights)";
  Described live = describe(*live_ev, "live");
  f.details["live"] = live.details;
  if (!live.descriptor) {
    f.outcome = sdk::Outcome::fail;
    f.reasons.push_back(*live.problem);
    return f;
  }

  struct Comparison { std::string role; double distance; };
  std::vector<Comparison> comparisons;
  auto compare = [&](const sdk::Evidence& ev, const std::string& role) {
    Described other = describe(ev, role);
    f.details[role] = other.details;
    if (!other.descriptor) {
      f.reasons.push_back(*other.problem);
      return;
    }
    double d = face::descriptor_distance(*live.descriptor, *other.descriptor);
    f.details[role]["distance"] = round4(d);
    comparisons.push_back({role, d});
  };
  compare(*portrait_ev, "id_portrait");
  if (params.value("compare_authority_photo", true)) {
    if (auto auth = ctx.evidence(kAuthorityPortrait)) compare(*auth, "authority_portrait");
  }
  if (comparisons.empty()) {
    // The live face is fine but nothing to compare it with: a person decides.
    f.outcome = sdk::Outcome::needs_review;
    return f;
  }
  double worst = 0;
  for (const auto& c : comparisons) worst = std::max(worst, c.distance);
  f.score = std::clamp(1.0 - worst / (2.0 * threshold), 0.0, 1.0);
  f.details["distance"] = round4(worst);
  if (worst < threshold) {
    f.outcome = f.reasons.empty() ? sdk::Outcome::pass : sdk::Outcome::needs_review;
  } else if (worst < threshold + margin) {
    f.outcome = sdk::Outcome::needs_review;
    f.reasons.push_back({"FACE_MATCH_UNCERTAIN", "The live face and the portrait are similar but not clearly the same.",
                         "现场人脸与证件照相似度不足以自动确认。", "Staff will review your case.",
                         "工作人员将人工审核您的申请。"});
  } else {
    f.outcome = sdk::Outcome::fail;
    f.reasons.push_back({"FACE_MISMATCH", "The live face does not match the ID card portrait.",
                         "现场人脸与身份证照片不一致。",
                         "The person on the ID card must take the photo in person. If this is you, go to a service "
                         "window with your ID card.",
                         "须由身份证本人现场拍摄。如确为本人，请携带身份证到窗口办理。"});
  }
  return f;
}

}  // namespace shiming::face_match
