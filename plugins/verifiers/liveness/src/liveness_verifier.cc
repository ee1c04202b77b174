#include "liveness_verifier.h"

#include <stdexcept>

#include <opencv2/imgproc.hpp>

#include "challenge_record.h"
#include "iso_time.h"
#include "liveness_reasons.h"
#include "shiming/face/challenge.h"
#include "shiming/face/clip_decode.h"
#include "shiming/face/schema_fields.h"

namespace shiming::liveness {

using face::number_field;

namespace {

double round3(double v) { return std::round(v * 1000.0) / 1000.0; }

face::DetectorOptions detector_options(const nlohmann::json& config) {
  face::DetectorOptions o;
  o.min_score = config.value("min_detection_score", 0.3);
  o.upsample_below = 0;  // clips are analysed at capture size: faces must be >= ~80 px
  return o;
}

}  // namespace

LivenessVerifier::LivenessVerifier(const sdk::PluginInit& init) : host_(init.host) {
  auto analyzer = face::FaceAnalyzer::load(
      init.config.value("landmark_model", std::string(face::kDefaultLandmarkModel)), detector_options(init.config));
  if (!analyzer) throw std::runtime_error(analyzer.error().message);
  analyzer_ = std::move(*analyzer);
  auto net = face::FaceDescriptorNet::load(
      init.config.value("descriptor_model_dir", face::default_descriptor_model_dir()));
  if (!net) throw std::runtime_error(net.error().message);
  net_ = std::move(*net);
}

sdk::ConfigSchema LivenessVerifier::config_schema() {
  sdk::ConfigSchema s;
  s.fields = face::model_config_fields(true);
  s.fields.push_back(number_field("min_detection_score", 0.3, -1, 5, "HOG detections scoring below this are not faces"));
  return s;
}

sdk::ConfigSchema LivenessVerifier::rules_schema() {
  LivenessParams d;
  sdk::ConfigSchema s;
  s.fields = {
      face::string_list_field("actions", face::liveness_actions(), face::liveness_actions(),
                              "actions the host may draw for a challenge"),
      face::integer_field("challenge_length", 3, 2, 3, "number of actions in one challenge"),
      face::integer_field("challenge_ttl_seconds", 60, 10, 600, "a challenge expires this long after it is issued"),
      number_field("max_clip_seconds", 6, 1, 30, "longest accepted clip"),
      face::integer_field("max_clip_bytes", 8 * 1024 * 1024, 64 * 1024, 64 * 1024 * 1024, "largest accepted clip"),
      number_field("mjpeg_fps", 15, 1, 60, "frame rate of MJPEG clips whose upload does not state one (meta fps)"),
      face::string_field("spoof_policy", "review", {"reject", "review"},
                         "what a still-photo, screen-replay or printed-photo signal does: reject, or send to a person"),
      number_field("blink_ratio", d.blink_ratio, 0.2, 0.95, "eye aspect ratio under this share of the open baseline = closed"),
      number_field("blink_dark_ratio", d.blink_dark_ratio, 0, 0.95, "also a blink: the eyes' dark (iris) share under this share of its open baseline while the eye aspect ratio dips under 0.9 of its own; 0 = off"),
      number_field("blink_near_width", d.blink_near_width, 0, 3, "also a blink: on a head turned at rest (one eye this many times wider than the other over the clip) the wider, nearer eye's aspect ratio under blink_ratio of its own baseline while both eyes' mean dips under 0.9 of its own; 0 = off"),
      number_field("turn_degrees", d.turn_degrees, 3, 60, "yaw change that counts as a turn"),
      number_field("turn_offset", d.turn_offset, 0, 0.5, "shift of the nose between the outer eye corners (share of their distance) that also counts as a turn; 0 = yaw only"),
      number_field("nod_degrees", d.nod_degrees, 3, 60, "pitch change that counts as a nod"),
      number_field("mouth_open_delta", d.mouth_open_delta, 0.05, 1, "mouth opening over the baseline for open_mouth"),
      number_field("min_face_share", d.min_face_share, 0.1, 1, "share of frames that must show the face"),
      number_field("static_motion", d.static_motion, 0, 0.5, "non-rigid landmark motion under this = still photo"),
      number_field("moire_ratio", d.moire_ratio, 1, 1000, "median moire peak ratio over this = screen replay"),
      number_field("same_face_distance", d.same_face_distance, 0.2, 1.2, "descriptor distance allowed between first and later frames"),
      number_field("planar_flow_tilt", d.planar_flow_tilt, 0.001, 0.5, "face texture motion beyond a similarity (eye distances) that makes a frame a tilt frame"),
      face::integer_field("planar_min_frames", d.planar_min_frames, 1, 100, "tilt frames needed before the printed-photo cue applies"),
      number_field("planar_parallax", d.planar_parallax, 0, 1, "median homography residual of the face texture (eye distances) over tilt frames under this = printed photo (moved as one plane)"),
      number_field("planar_noise_margin", d.planar_noise_margin, 0, 1, "also a printed photo: the face texture's homography residual over the third of the frames with the largest view change exceeds its value over the third with the least (the clip's own tracking noise) by under this (eye distances)"),
      number_field("planar_noise_ratio", d.planar_noise_ratio, 0, 100, "or by under twice planar_noise_margin while staying under this many times that noise floor; both 0 = off"),
      face::string_field("texture_policy", "review", {"reject", "review", "off"},
                         "what the skin-texture cue (SPOOF_TEXTURE: tones of a print or a screen, glare) does: reject, send to a person, or nothing"),
      number_field("texture_black_ratio", d.texture_black_ratio, 0, 1, "median darkest/brightest luma of the face (1st/99th percentile) over this = print or screen"),
      number_field("texture_glare", d.texture_glare, 0, 1, "share of washed-out colourless face pixels (90th percentile over frames) over this = glare on a glossy print or screen"),
      number_field("texture_lbp_nonuniform", d.texture_lbp_nonuniform, 0, 1, "median share of non-uniform LBP codes on the face (the grain of a dot screen or pixel grid) over this = print or screen"),
      face::integer_field("texture_min_cues", d.texture_min_cues, 1, 3, "how many of the three texture cues (black ratio, glare, LBP) must fire for SPOOF_TEXTURE"),
      face::integer_field("texture_min_frames", d.texture_min_frames, 1, 100, "face frames needed before the texture cue applies"),
  };
  return s;
}

sdk::Finding check_clip(const face::FaceAnalyzer& analyzer, const face::FaceDescriptorNet& net,
                        const std::vector<cv::Mat>& frames, const std::vector<double>& times,
                        const std::vector<std::string>& challenge, const nlohmann::json& params) {
  const LivenessParams p = LivenessParams::from_json(params);
  FrameAnalyzer fa(analyzer);
  std::vector<FrameSignals> signals;
  signals.reserve(frames.size());
  for (std::size_t i = 0; i < frames.size(); ++i) signals.push_back(fa.analyze(frames[i], times[i]));
  ClipAnalysis a = analyse_signals(signals, challenge, p);

  sdk::Finding f;
  auto& d = f.details;
  d["challenge"] = challenge;
  d["frames"] = a.frames;
  d["face_frames"] = a.face_frames;
  d["duration_seconds"] = times.empty() ? 0.0 : round3(times.back());
  d["baselines"] = a.baselines;
  d["actions_detected"] = nlohmann::json::array();
  for (const auto& e : a.matched) d["actions_detected"].push_back(to_json(e));
  d["events"] = nlohmann::json::array();
  for (const auto& e : a.events) d["events"].push_back(to_json(e));
  d["nonrigid_motion"] = round3(a.nonrigid_motion);
  d["moire_median"] = round3(a.moire_median);
  d["texture"] = {{"frames", a.texture_frames},
                  {"black_ratio", round3(a.texture_black)},
                  {"glare", round3(a.texture_glare)},
                  {"saturation", round3(a.texture_saturation)},
                  {"high_frequency", round3(a.texture_high_frequency)},
                  {"lbp_nonuniform", round3(a.texture_lbp_nonuniform)},
                  {"edge_width", round3(a.texture_edge_width)},
                  {"chroma_spread", round3(a.texture_chroma_spread)},
                  {"cues_fired", a.texture_cues_fired}};
  auto round4 = [](double v) { return std::round(v * 10000.0) / 10000.0; };
  d["planar_motion"] = {{"flow_frames", a.flow_frames},
                        {"flow_tilt_frames", a.flow_tilt_frames},
                        {"flow_tilt_max", round4(a.flow_tilt_max)},
                        {"flow_parallax", round4(a.flow_parallax)},
                        {"flow_parallax_per_tilt", round3(a.flow_ratio)},
                        {"flow_parallax_low", round4(a.flow_parallax_low)},
                        {"flow_parallax_high", round4(a.flow_parallax_high)},
                        {"landmark_tilt_frames", a.planar.tilt_frames},
                        {"landmark_nose_parallax", round3(a.planar.parallax_median)},
                        {"eyes_closed_seen", a.blinked}};

  std::vector<sdk::Reason> hard, spoof;
  if (a.face_frames == 0) {
    hard.push_back(liveness_reason("NO_FACE"));
    // Why: too dark to see, or a face too small for the detector at capture size (found at 2x).
    if (!frames.empty()) {
      const cv::Mat& mid = frames[frames.size() / 2];
      cv::Mat gray;
      cv::cvtColor(mid, gray, cv::COLOR_BGR2GRAY);
      const double mean = cv::mean(gray)[0];
      d["mean_luma"] = round3(mean);
      if (mean < 40) {
        hard.push_back(liveness_reason("FACE_TOO_DARK"));
      } else {
        cv::Mat up;
        cv::resize(gray, up, cv::Size(), 2.0, 2.0, cv::INTER_LINEAR);
        if (!analyzer.detector().detect(up).empty()) hard.push_back(liveness_reason("FACE_TOO_SMALL"));
      }
    }
  } else {
    if (a.multi_face_frames > 0) hard.push_back(liveness_reason("MULTIPLE_FACES"));
    if (a.face_frames < p.min_face_share * a.frames) hard.push_back(liveness_reason("FACE_NOT_VISIBLE"));
    // Same person throughout: the first face frame against the middle and last ones.
    std::vector<std::size_t> idx;
    for (std::size_t i = 0; i < signals.size(); ++i) if (signals[i].face) idx.push_back(i);
    auto desc = [&](std::size_t i) { return net.compute(frames[i], signals[i].landmarks); };
    auto first = desc(idx.front());
    double worst = 0;
    for (std::size_t k : {idx[idx.size() / 2], idx.back()}) {
      if (k == idx.front()) continue;
      worst = std::max(worst, face::descriptor_distance(first, desc(k)));
    }
    d["same_face_distance"] = round3(worst);
    if (worst > p.same_face_distance) hard.push_back(liveness_reason("FACE_CHANGED"));
    if (a.missing) hard.push_back(liveness_reason("ACTION_NOT_PERFORMED", "Missing: " + *a.missing + "."));
    bool blinked = std::any_of(a.events.begin(), a.events.end(), [](const auto& e) { return e.action == "blink"; });
    if (a.nonrigid_motion < p.static_motion && !blinked) spoof.push_back(liveness_reason("STATIC_PHOTO"));
    if (a.moire_median > p.moire_ratio) spoof.push_back(liveness_reason("SCREEN_REPLAY"));
    if (a.planar_photo) spoof.push_back(liveness_reason("PRINTED_PHOTO"));
  }
  // The texture cue has its own policy: a province may reject on geometry but only review on tones.
  const std::string texture_policy = params.value("texture_policy", std::string("review"));
  std::vector<sdk::Reason> texture;
  if (a.face_frames > 0 && a.texture_spoof && texture_policy != "off") texture.push_back(liveness_reason("SPOOF_TEXTURE"));
  const bool reject = (!spoof.empty() && params.value("spoof_policy", std::string("review")) == "reject") ||
                      (!texture.empty() && texture_policy == "reject");
  for (auto& r : hard) f.reasons.push_back(r);
  for (auto& r : spoof) f.reasons.push_back(r);
  for (auto& r : texture) f.reasons.push_back(r);
  if (!hard.empty() || reject) {
    f.outcome = sdk::Outcome::fail;
    f.score = 0.0;
  } else if (!spoof.empty() || !texture.empty()) {
    f.outcome = sdk::Outcome::needs_review;
    f.score = 0.5;
  } else {
    f.outcome = sdk::Outcome::pass;
    f.score = 1.0;
  }
  return f;
}

sdk::Finding LivenessVerifier::run(sdk::VerificationContext& ctx) {
  const auto& params = ctx.params();
  auto ev = ctx.evidence(sdk::evidence_kind::kLivenessVideo);
  if (!ev) {
    return sdk::Finding::with(sdk::Outcome::fail, {"EVIDENCE_MISSING", "No liveness video was uploaded.",
                                                   "未上传活体检测视频。", "Record the liveness video.", "请录制活体检测视频。"});
  }
  const auto now = ctx.clock().now();
  auto uploaded_at = now;
  if (ev->meta.contains("uploaded_at") && ev->meta["uploaded_at"].is_string()) {
    if (auto t = parse_iso8601(ev->meta["uploaded_at"].get<std::string>())) uploaded_at = *t;
  }
  std::string nonce = ev->meta.value("nonce", std::string());
  auto claim = claim_challenge(host_.records(), nonce, ctx.subject().id, uploaded_at, sha256_hex(ev->data), now);
  if (claim.problem) {
    auto f = sdk::Finding::with(sdk::Outcome::fail, liveness_reason(*claim.problem, claim.detail));
    if (*claim.problem == "LIVENESS_CHALLENGE_INVALID") f.outcome = sdk::Outcome::error;
    return f;
  }

  face::ClipLimits limits;
  limits.max_bytes = params.value("max_clip_bytes", limits.max_bytes);
  limits.max_seconds = params.value("max_clip_seconds", limits.max_seconds);
  limits.default_fps = params.value("mjpeg_fps", limits.default_fps);
  double fps = ev->meta.contains("fps") && ev->meta["fps"].is_number() ? ev->meta["fps"].get<double>() : 0.0;
  if (fps > 120) fps = 0;
  auto clip = face::decode_clip(ev->data, ev->content_type, limits, fps);
  if (!clip) {
    const auto& e = clip.error();
    sdk::Reason r = liveness_reason(e.code);
    r.message = e.message;
    r.message_zh = e.message_zh;
    return sdk::Finding::with(sdk::Outcome::fail, r);
  }
  std::vector<cv::Mat> frames;
  std::vector<double> times;
  for (auto& fr : clip->frames) {
    frames.push_back(fr.bgr);
    times.push_back(fr.t);
  }
  auto f = check_clip(*analyzer_, *net_, frames, times, claim.actions, params);
  ctx.logger().info("liveness case " + ctx.subject().id + ": " + sdk::to_string(f.outcome) + " after " +
                    std::to_string(frames.size()) + " frames");
  return f;
}

}  // namespace shiming::liveness
