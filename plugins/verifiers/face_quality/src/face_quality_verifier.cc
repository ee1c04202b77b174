#include "face_quality_verifier.h"

#include <stdexcept>

#include "quality_checks.h"
#include "quality_reasons.h"
#include "shiming/face/image_decode.h"
#include "shiming/face/schema_fields.h"

namespace shiming::face_quality {

using face::bool_field;
using face::integer_field;
using face::number_field;

FaceQualityVerifier::FaceQualityVerifier(const sdk::PluginInit& init) {
  face::DetectorOptions options;
  options.min_score = init.config.value("min_detection_score", 0.3);
  weak_candidate_score_ = init.config.value("weak_candidate_score", -0.4);
  auto analyzer = face::FaceAnalyzer::load(
      init.config.value("landmark_model", std::string(face::kDefaultLandmarkModel)), options);
  if (!analyzer) throw std::runtime_error(analyzer.error().message);
  analyzer_ = std::move(*analyzer);
}

sdk::ConfigSchema FaceQualityVerifier::config_schema() {
  sdk::ConfigSchema s;
  s.fields = face::model_config_fields(false);
  s.fields.push_back(number_field("min_detection_score", 0.3, -1, 5,
                                  "HOG detections scoring below this are not faces"));
  s.fields.push_back(number_field("weak_candidate_score", -0.4, -2, 5,
                                  "with no face found, candidates above this are checked for a mask or sunglasses"));
  return s;
}

sdk::ConfigSchema FaceQualityVerifier::rules_schema() {
  QualityParams d;
  sdk::ConfigSchema s;
  s.fields = {
      integer_field("min_face_px", d.min_face_px, 20, 2000, "minimum face width (jaw to jaw), pixels"),
      number_field("min_face_ratio", d.min_face_ratio, 0, 1, "minimum face width / image width"),
      number_field("max_face_ratio", d.max_face_ratio, 0, 1, "maximum face width / image width"),
      number_field("center_tolerance", d.center_tolerance, 0, 0.5, "allowed offset of the face centre, share of the image"),
      number_field("min_sharpness", d.min_sharpness, 0, 10000, "minimum Laplacian variance of the face at 128 px"),
      number_field("min_brightness", d.min_brightness, 0, 255, "minimum mean face luminance"),
      number_field("max_brightness", d.max_brightness, 0, 255, "maximum mean face luminance"),
      number_field("backlight_ratio", d.backlight_ratio, 0, 1, "face/background luminance under this is backlight"),
      bool_field("require_plain_background", d.require_plain_background, "ask for a plain, light background"),
      number_field("background_max_stddev", d.background_max_stddev, 0, 255, "plain background: maximum luminance spread"),
      number_field("background_min_brightness", d.background_min_brightness, 0, 255, "plain background: minimum luminance"),
      number_field("min_eye_aspect_ratio", d.min_eye_aspect_ratio, 0, 1, "eyes with a lower aspect ratio are closed"),
      number_field("sunglasses_ratio", d.sunglasses_ratio, 0, 1, "eye/cheek luminance under this means covered eyes"),
      number_field("mask_color_distance", d.mask_color_distance, 0, 255, "lower face vs forehead colour distance for a mask"),
      number_field("max_yaw_degrees", d.max_yaw_degrees, 0, 90, "maximum head yaw"),
      number_field("max_pitch_degrees", d.max_pitch_degrees, 0, 90, "maximum head pitch"),
      number_field("max_roll_degrees", d.max_roll_degrees, 0, 90, "maximum head roll"),
      integer_field("max_image_bytes", 15 * 1024 * 1024, 1024, 100 * 1024 * 1024, "largest accepted photo"),
  };
  sdk::ConfigField advice;
  advice.name = "advice";
  advice.type = sdk::FieldType::object;
  advice.open = true;
  advice.default_value = nlohmann::json::object();
  advice.doc = "the province's own advice per reason code: {CODE: {advice: ..., advice_zh: ...}}";
  s.fields.push_back(advice);
  return s;
}

sdk::Finding FaceQualityVerifier::run(sdk::VerificationContext& ctx) {
  auto ev = ctx.evidence(sdk::evidence_kind::kFace);
  if (!ev) {
    return sdk::Finding::with(sdk::Outcome::fail, {"EVIDENCE_MISSING", "No face photo was uploaded.",
                                                   "未上传人脸照片。", "Take a face photo.", "请拍摄人脸照片。"});
  }
  face::ImageLimits limits;
  limits.max_bytes = ctx.params().value("max_image_bytes", limits.max_bytes);
  auto image = face::decode_image(ev->data, limits);
  if (!image) {
    const auto& e = image.error();
    return sdk::Finding::with(sdk::Outcome::fail,
                              {e.code, e.message, e.message_zh, "Take the photo again and upload it as JPEG or PNG.",
                               "请重新拍摄，并以 JPEG 或 PNG 格式上传。"});
  }
  auto faces = analyzer_->analyze(*image);
  const auto params = QualityParams::from_json(ctx.params());
  auto report = faces.empty()
                    ? explain_missing_face(*image, analyzer_->analyze(*image, weak_candidate_score_), params)
                    : check_quality(*image, faces, params);
  sdk::Finding f;
  f.details = report.measures;
  f.details["image"] = {{"width", image->cols}, {"height", image->rows}};
  if (report.failed.empty()) {
    f.outcome = sdk::Outcome::pass;
    f.score = 1.0;
    return f;
  }
  f.outcome = sdk::Outcome::fail;
  f.score = 0.0;
  const nlohmann::json no_advice = nlohmann::json::object();
  const auto& advice = ctx.params().contains("advice") && ctx.params()["advice"].is_object() ? ctx.params()["advice"] : no_advice;
  for (const auto& code : report.failed) {
    sdk::Reason r = quality_reason(code);
    if (advice.contains(code) && advice[code].is_object()) {
      r.advice = advice[code].value("advice", r.advice);
      r.advice_zh = advice[code].value("advice_zh", r.advice_zh);
    }
    f.reasons.push_back(std::move(r));
  }
  return f;
}

}  // namespace shiming::face_quality
