// The liveness verifier on clips synthesised from real faces (astronaut.png and
// a face from face-api's sample photos).
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "challenge_record.h"
#include "clip_analysis.h"
#include "clip_synth.h"
#include "face_pairs.h"
#include "face_test_data.h"
#include "iso_time.h"
#include "liveness_verifier.h"
#include "plugin_loader.h"
#include "shiming/face/challenge.h"
#include "shiming/face/face_geometry.h"
#include "shiming/face/spoof_signals.h"
#include "shiming/sdk/testing/fakes.h"

using namespace shiming;
using namespace shiming::face;
using namespace std::chrono_literals;

namespace {

class Liveness : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (testkit::face_api_model_dir().empty()) return;
    host_ = new sdk::testing::FakeHost();
    config_ = new nlohmann::json(testkit::with_defaults(liveness::LivenessVerifier::config_schema()));
    verifier_ = new liveness::LivenessVerifier(sdk::PluginInit{*config_, *host_});
    auto analyzer = FaceAnalyzer::load(kDefaultLandmarkModel);
    auto originals = testkit::identity_originals(**analyzer);
    astronaut_ = new testkit::FaceSource(testkit::make_face_source(**analyzer, originals.at(0).image));
    for (const auto& o : originals) {
      if (o.identity == "sample3#0") other_ = new testkit::FaceSource(testkit::make_face_source(**analyzer, o.image));
    }
  }
  static void TearDownTestSuite() {
    delete verifier_;
    delete config_;
    delete host_;
    delete astronaut_;
    delete other_;
  }
  void SetUp() override {
    if (!verifier_) GTEST_SKIP() << "run scripts/fetch-face-model.sh";
  }

  // Issues a challenge as the host does and returns its nonce.
  static std::string issue(const std::vector<std::string>& actions, const std::string& case_id = "case-1") {
    std::string nonce = new_nonce();
    auto now = host_->clock().now();
    (void)host_->records().put(liveness::kChallengeCollection, nonce,
                               {{"case_id", case_id},
                                {"actions", actions},
                                {"issued_at", liveness::format_iso8601(now - 5s)},
                                {"expires_at", liveness::format_iso8601(now + 55s)},
                                {"used", false}});
    return nonce;
  }
  static sdk::Finding verify(const std::vector<std::uint8_t>& clip, const std::string& nonce,
                             nlohmann::json params = nlohmann::json::object(),
                             const std::string& type = "video/x-motion-jpeg", std::string uploaded_at = "") {
    sdk::testing::FakeVerificationContext ctx;
    ctx.subject_.id = "case-1";
    ctx.clock_.set(host_->clock().now());
    ctx.params_ = testkit::with_defaults(liveness::LivenessVerifier::rules_schema(), params);
    if (uploaded_at.empty()) uploaded_at = liveness::format_iso8601(host_->clock().now());
    ctx.items.push_back({"liveness-video", type, clip, {{"nonce", nonce}, {"uploaded_at", uploaded_at}}});
    return verifier_->verify(ctx);
  }
  static sdk::Finding run_challenge(const std::vector<std::string>& challenge, const testkit::SynthClip& clip,
                                    nlohmann::json params = nlohmann::json::object()) {
    return verify(testkit::to_mjpeg(clip.frames), issue(challenge), std::move(params));
  }
  static bool has(const sdk::Finding& f, const std::string& code) {
    return std::any_of(f.reasons.begin(), f.reasons.end(), [&](const auto& r) { return r.code == code; });
  }
  static std::string dump(const sdk::Finding& f) {
    std::string s = sdk::to_string(f.outcome);
    for (const auto& r : f.reasons) s += " " + r.code;
    return s + " " + f.details.dump();
  }

  static sdk::testing::FakeHost* host_;
  static nlohmann::json* config_;
  static liveness::LivenessVerifier* verifier_;
  static testkit::FaceSource* astronaut_;
  static testkit::FaceSource* other_;
};
sdk::testing::FakeHost* Liveness::host_ = nullptr;
nlohmann::json* Liveness::config_ = nullptr;
liveness::LivenessVerifier* Liveness::verifier_ = nullptr;
testkit::FaceSource* Liveness::astronaut_ = nullptr;
testkit::FaceSource* Liveness::other_ = nullptr;

}  // namespace

TEST_F(Liveness, GenuineClipPassesWithActionsInOrderAndTheirTimes) {
  std::vector<std::string> challenge = {"blink", "turn_left", "open_mouth"};
  auto clip = testkit::action_clip(*astronaut_, challenge);
  auto f = run_challenge(challenge, clip);
  ASSERT_EQ(f.outcome, sdk::Outcome::pass) << dump(f);
  const auto& detected = f.details["actions_detected"];
  ASSERT_EQ(detected.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(detected[i]["action"], challenge[i]);
    EXPECT_NEAR(detected[i]["t_peak"].get<double>(), clip.action_peaks[i].second, 0.2) << dump(f);
  }
}

TEST_F(Liveness, OtherActionsPass) {
  std::vector<std::string> challenge = {"turn_right", "nod", "blink"};
  auto f = run_challenge(challenge, testkit::action_clip(*astronaut_, challenge));
  EXPECT_EQ(f.outcome, sdk::Outcome::pass) << dump(f);
}

TEST_F(Liveness, ActionsInTheWrongOrderFail) {
  auto clip = testkit::action_clip(*astronaut_, {"open_mouth", "blink"});
  auto f = run_challenge({"blink", "open_mouth"}, clip);
  EXPECT_EQ(f.outcome, sdk::Outcome::fail);
  EXPECT_TRUE(has(f, "ACTION_NOT_PERFORMED")) << dump(f);
}

TEST_F(Liveness, MissingActionFails) {
  auto clip = testkit::action_clip(*astronaut_, {"blink", "turn_left"});
  auto f = run_challenge({"blink", "turn_left", "turn_right"}, clip);
  EXPECT_EQ(f.outcome, sdk::Outcome::fail);
  EXPECT_TRUE(has(f, "ACTION_NOT_PERFORMED")) << dump(f);
}

TEST_F(Liveness, StillPhotoIsFlagged) {
  auto f = run_challenge({"blink", "nod"}, testkit::static_photo_clip(*astronaut_));
  EXPECT_EQ(f.outcome, sdk::Outcome::fail);
  EXPECT_TRUE(has(f, "STATIC_PHOTO")) << dump(f);
}

TEST_F(Liveness, ScreenReplayGoesToReviewOrIsRejectedPerRules) {
  std::vector<std::string> challenge = {"blink", "turn_right"};
  auto replay = testkit::screen_replay(testkit::action_clip(*astronaut_, challenge));
  auto review = run_challenge(challenge, replay);
  EXPECT_EQ(review.outcome, sdk::Outcome::needs_review) << dump(review);
  EXPECT_TRUE(has(review, "SCREEN_REPLAY")) << dump(review);
  auto reject = run_challenge(challenge, replay, {{"spoof_policy", "reject"}});
  EXPECT_EQ(reject.outcome, sdk::Outcome::fail) << dump(reject);
}

TEST_F(Liveness, FaceSwapMidClipFails) {
  std::vector<std::string> challenge = {"blink", "open_mouth"};
  auto f = run_challenge(challenge, testkit::face_swap_clip(*astronaut_, *other_, challenge));
  EXPECT_EQ(f.outcome, sdk::Outcome::fail);
  EXPECT_TRUE(has(f, "FACE_CHANGED")) << dump(f);
}

TEST_F(Liveness, PrintedPhotoTiltedToMimicTurnsAndANodIsFlagged) {
  // The one challenge a photo can seem to answer: turns and a nod, by tilting the sheet.
  std::vector<std::string> challenge = {"turn_left", "nod", "turn_right"};
  auto f = run_challenge(challenge, testkit::printed_photo_clip(*astronaut_, challenge));
  EXPECT_NE(f.outcome, sdk::Outcome::pass) << dump(f);
  EXPECT_TRUE(has(f, "PRINTED_PHOTO")) << dump(f);
  auto reject = run_challenge(challenge, testkit::printed_photo_clip(*astronaut_, challenge, 15, 8),
                              {{"spoof_policy", "reject"}});
  EXPECT_EQ(reject.outcome, sdk::Outcome::fail) << dump(reject);
  EXPECT_TRUE(has(reject, "PRINTED_PHOTO")) << dump(reject);
  // Advice in both languages.
  for (const auto& r : reject.reasons)
    if (r.code == "PRINTED_PHOTO") {
      EXPECT_FALSE(r.message_zh.empty());
      EXPECT_FALSE(r.advice.empty());
      EXPECT_FALSE(r.advice_zh.empty());
    }
}

TEST_F(Liveness, PlainPrintWithoutGlareOrHalftoneIsFlaggedToo) {
  // The cue is the geometry, not the print's texture.
  std::vector<std::string> challenge = {"nod", "turn_right", "turn_left"};
  testkit::PrintOptions plain;
  plain.halftone = false;
  plain.glare = false;
  plain.tilt_degrees = 20;
  auto f = run_challenge(challenge, testkit::printed_photo_clip(*other_, challenge, 15, 3, plain));
  EXPECT_NE(f.outcome, sdk::Outcome::pass) << dump(f);
  EXPECT_TRUE(has(f, "PRINTED_PHOTO")) << dump(f);
  // A photo cannot blink: a challenge with a blink fails whatever the sheet does.
  std::vector<std::string> blink = {"blink", "turn_left"};
  auto b = run_challenge(blink, testkit::printed_photo_clip(*astronaut_, blink, 15, 4));
  EXPECT_EQ(b.outcome, sdk::Outcome::fail) << dump(b);
  EXPECT_TRUE(has(b, "ACTION_NOT_PERFORMED")) << dump(b);
}

TEST_F(Liveness, RealisticPlainPrintsAreFlaggedByTheirPlanarMotion) {
  // Home prints drawn from seeds: no dot screen, matte or faintly glossy, tinted paper, less contrast
  // and chroma, blurred; tilted to answer turns and a nod. Their texture moves as one plane.
  std::vector<std::string> challenge = {"turn_right", "turn_left", "nod"};
  for (std::uint32_t seed : {31u, 32u}) {
    const testkit::FaceSource& src = seed == 31u ? *astronaut_ : *other_;
    const auto options = testkit::realistic_print(seed);
    EXPECT_FALSE(options.halftone);
    auto f = run_challenge(challenge, testkit::printed_photo_clip(src, challenge, 15, seed, options));
    EXPECT_NE(f.outcome, sdk::Outcome::pass) << dump(f);
    EXPECT_TRUE(has(f, "PRINTED_PHOTO")) << dump(f);
    const auto& pm = f.details["planar_motion"];
    EXPECT_GE(pm["flow_tilt_frames"].get<int>(), 5) << dump(f);
  }
}

TEST_F(Liveness, LiveHandHeldClipsAreNotTakenForPhotos) {
  // Head sway, camera pan/tilt/roll and zoom, turns and nods: a real head shows parallax.
  const std::vector<std::pair<const testkit::FaceSource*, std::vector<std::string>>> cases = {
      {astronaut_, {"turn_left", "nod", "turn_right"}}, {other_, {"open_mouth", "turn_right", "blink"}}};
  for (const auto& [src, challenge] : cases) {
    auto f = run_challenge(challenge, testkit::handheld_action_clip(*src, challenge, 15, 21));
    // The second face (from a group photo, turned ~17 degrees at rest) misses some synthetic turns
    // (face_bench --action-sources): only the photo cues are asserted for it.
    if (src == astronaut_) {
      EXPECT_EQ(f.outcome, sdk::Outcome::pass) << dump(f);
    }
    EXPECT_FALSE(has(f, "PRINTED_PHOTO")) << dump(f);
    EXPECT_FALSE(has(f, "SPOOF_TEXTURE")) << dump(f);
    // A head's texture residual grows with its turns well beyond the tracking noise.
    const auto& pm = f.details["planar_motion"];
    EXPECT_GT(pm["flow_parallax_high"].get<double>() - pm["flow_parallax_low"].get<double>(), 0.005) << dump(f);
  }
}

TEST_F(Liveness, PrintTexturesRaiseTheirOwnReasonPerTheirOwnPolicy) {
  // A printed photo tilted for turns and a nod: the ink's tones never reach the black of a lit head
  // (astronaut: ~0.27 live, ~0.42 printed; the threshold is set between them, see face_bench).
  std::vector<std::string> challenge = {"turn_left", "nod", "turn_right"};
  auto clip = testkit::printed_photo_clip(*astronaut_, challenge, 15, 5);
  const nlohmann::json rules = {{"texture_black_ratio", 0.35}};
  auto review = run_challenge(challenge, clip, rules);
  EXPECT_TRUE(has(review, "SPOOF_TEXTURE")) << dump(review);
  EXPECT_NE(review.outcome, sdk::Outcome::pass) << dump(review);
  EXPECT_GT(review.details["texture"]["black_ratio"].get<double>(), 0.35) << dump(review);
  // Rejected when the texture policy says so, even if the other spoof cues only send to review.
  auto reject_rules = rules;
  reject_rules["texture_policy"] = "reject";
  reject_rules["spoof_policy"] = "review";
  auto reject = run_challenge(challenge, clip, reject_rules);
  EXPECT_EQ(reject.outcome, sdk::Outcome::fail) << dump(reject);
  EXPECT_TRUE(has(reject, "SPOOF_TEXTURE")) << dump(reject);
  auto off_rules = rules;
  off_rules["texture_policy"] = "off";
  auto off = run_challenge(challenge, clip, off_rules);
  EXPECT_FALSE(has(off, "SPOOF_TEXTURE")) << dump(off);
  // The print trips several cues at once (raised black, glare, dot-screen grain).
  EXPECT_GE(review.details["texture"]["cues_fired"].get<int>(), 2) << dump(review);
  // The live clip of the same face is not flagged.
  auto live_clip = testkit::action_clip(*astronaut_, challenge, 15, 5);
  auto live = run_challenge(challenge, live_clip, reject_rules);
  EXPECT_EQ(live.outcome, sdk::Outcome::pass) << dump(live);
  EXPECT_LT(live.details["texture"]["black_ratio"].get<double>(), 0.35) << dump(live);
  EXPECT_EQ(live.details["texture"]["cues_fired"].get<int>(), 0) << dump(live);
  // One cue alone (here the black ratio, its threshold set under this face's) does not decide unless
  // the rules ask for a single cue.
  nlohmann::json one_cue = {{"texture_black_ratio", 0.1}, {"texture_policy", "reject"}};
  auto single = run_challenge(challenge, live_clip, one_cue);
  EXPECT_EQ(single.details["texture"]["cues_fired"].get<int>(), 1) << dump(single);
  EXPECT_FALSE(has(single, "SPOOF_TEXTURE")) << dump(single);
  one_cue["texture_min_cues"] = 1;
  EXPECT_TRUE(has(run_challenge(challenge, live_clip, one_cue), "SPOOF_TEXTURE"));
}

TEST(TextureCues, PrintTonesAndGlareOnARealFace) {
  auto analyzer = FaceAnalyzer::load(kDefaultLandmarkModel);
  ASSERT_TRUE(analyzer);
  cv::Mat img = testkit::fit_frame(testkit::load_bgr(testkit::astronaut_path()));
  auto faces = (*analyzer)->analyze(img);
  ASSERT_EQ(faces.size(), 1u);
  const auto& lm = faces[0].landmarks;
  auto live = texture_cues(img, lm);
  ASSERT_TRUE(live.valid);
  // Ink on paper: black at 12 % reflectance, a warm white.
  cv::Mat print;
  img.convertTo(print, -1, 0.83, 0.12 * 255);
  auto printed = texture_cues(print, lm);
  EXPECT_GT(printed.black_ratio, live.black_ratio + 0.08) << live.black_ratio << " " << printed.black_ratio;
  // A lamp's mirror image on glossy paper over the cheek and nose: washed out towards white.
  cv::Mat glare = img.clone();
  cv::Point2f c = lm.points[30];
  const double eye = lm.inter_ocular();
  for (int y = 0; y < glare.rows; ++y)
    for (int x = 0; x < glare.cols; ++x) {
      double dx = (x - c.x) / eye, dy = (y - c.y) / (0.7 * eye);
      double g = 0.75 * std::exp(-0.5 * (dx * dx + dy * dy));
      auto& px = glare.at<cv::Vec3b>(y, x);
      for (int k = 0; k < 3; ++k) px[k] = cv::saturate_cast<unsigned char>(px[k] + g * (255 - px[k]));
    }
  auto glared = texture_cues(glare, lm);
  // (A weak cue: ~0.02 -> ~0.06 here; flash-lit skin in the group photos reaches 0.15, see face_bench.)
  EXPECT_GT(glared.glare, live.glare + 0.03) << live.glare << " " << glared.glare;
  EXPECT_LT(live.glare, 0.05) << live.glare;
  // Nothing to measure without landmarks.
  EXPECT_FALSE(texture_cues(img, FaceLandmarks{}).valid);
}

TEST(TextureCues, UniformLbpHistogram) {
  // 58 codes with at most two 0/1 transitions around the circle, each its own bin; the rest share bin 58.
  std::vector<int> count(59, 0);
  for (unsigned c = 0; c < 256; ++c) ++count[std::size_t(uniform_lbp_bin(c))];
  for (int b = 0; b < 58; ++b) EXPECT_EQ(count[std::size_t(b)], 1) << b;
  EXPECT_EQ(count[58], 256 - 58);
  EXPECT_EQ(uniform_lbp_bin(0x00), 0);
  EXPECT_EQ(uniform_lbp_bin(0x55), 58);  // 01010101: eight transitions
  // On a real face the histogram sums to 1, and blurring the face (a print's optics) moves it.
  auto analyzer = FaceAnalyzer::load(kDefaultLandmarkModel);
  ASSERT_TRUE(analyzer);
  cv::Mat img = testkit::fit_frame(testkit::load_bgr(testkit::astronaut_path()));
  auto faces = (*analyzer)->analyze(img);
  ASSERT_EQ(faces.size(), 1u);
  auto live = texture_cues(img, faces[0].landmarks);
  ASSERT_TRUE(live.valid);
  double sum = 0;
  for (float v : live.lbp) sum += v;
  EXPECT_NEAR(sum, 1.0, 1e-4);
  EXPECT_DOUBLE_EQ(chi_square(live.lbp.data(), live.lbp.data(), live.lbp.size()), 0.0);
  cv::Mat blurred;
  cv::GaussianBlur(img, blurred, cv::Size(0, 0), 1.5);
  auto soft = texture_cues(blurred, faces[0].landmarks);
  EXPECT_GT(chi_square(live.lbp.data(), soft.lbp.data(), live.lbp.size()), 0.02);
  EXPECT_GT(live.cr_std, 0.5);
}

TEST_F(Liveness, BlinkOfTheNearerEyeOnATurnedHead) {
  // A head turned at rest: the nearer (left) eye 1.4 times as wide as the far one. In the blink its
  // aspect ratio drops to 0.55 of its baseline while dlib's points on the far eye barely move, so the
  // two-eye mean only reaches 0.8 of its own (over blink_ratio 0.72).
  std::vector<liveness::FrameSignals> frames(30);
  for (std::size_t i = 0; i < frames.size(); ++i) {
    auto& f = frames[i];
    f.t = double(i) / 15;
    f.face = true;
    f.landmarks = astronaut_->landmarks;
    f.eye_width_left = 28;
    f.eye_width_right = 20;
    const bool closed = i >= 12 && i <= 15;
    f.ear_left = closed ? 0.55 * 0.30 : 0.30;
    f.ear_right = closed ? 0.95 * 0.25 : 0.25;
    f.ear = 0.5 * (f.ear_left + f.ear_right);
    f.mouth = 0.05;
  }
  auto blinks = [&](const liveness::LivenessParams& p) {
    auto a = liveness::analyse_signals(frames, {"blink"}, p);
    return a.missing ? -1.0 : a.matched.at(0).t_peak;
  };
  liveness::LivenessParams p;
  EXPECT_GT(frames[13].ear, p.blink_ratio * 0.275);  // the mean alone does not call it a blink
  EXPECT_NEAR(blinks(p), 12.0 / 15, 0.3);
  liveness::LivenessParams off = p;
  off.blink_near_width = 0;
  EXPECT_LT(blinks(off), 0) << "read from both eyes' mean only";
  // Eyes of about the same width (a frontal head): the mean decides alone.
  for (auto& f : frames) f.eye_width_left = 21;
  EXPECT_LT(blinks(p), 0);
  // The nearer eye narrowing while the mean stays over 0.9 of its baseline (a squint of one eye
  // on a turned head, or its landmarks jittering) is not a blink.
  for (auto& f : frames) {
    f.eye_width_left = 28;
    if (f.ear_left < 0.3) {
      f.ear_right = 0.35;
      f.ear = 0.5 * (f.ear_left + f.ear_right);
    }
  }
  EXPECT_GT(frames[13].ear, 0.9 * 0.275);
  EXPECT_LT(blinks(p), 0);
}

TEST_F(Liveness, NoseOffsetFollowsTurnsOfARenderedHead) {
  const auto& lm = astronaut_->landmarks;
  const double rest = nose_offset(lm);
  EXPECT_NEAR(rest, 0.5, 0.1);
  auto analyzer = FaceAnalyzer::load(kDefaultLandmarkModel);
  ASSERT_TRUE(analyzer);
  for (double yaw : {-20.0, 20.0}) {
    testkit::FacePose pose;
    pose.yaw = yaw;
    auto faces = (*analyzer)->analyze(testkit::render(*astronaut_, pose));
    ASSERT_EQ(faces.size(), 1u);
    const double moved = nose_offset(faces[0].landmarks) - rest;
    // Turning to the person's left moves the nose to the image right: the offset grows.
    EXPECT_GT(yaw > 0 ? moved : -moved, 0.05) << yaw << " " << moved;
  }
}

TEST_F(Liveness, NonceWorksOnceAndNotForAnotherUpload) {
  std::vector<std::string> challenge = {"blink", "open_mouth"};
  auto clip = testkit::to_mjpeg(testkit::action_clip(*astronaut_, challenge).frames);
  std::string nonce = issue(challenge);
  EXPECT_EQ(verify(clip, nonce).outcome, sdk::Outcome::pass);
  auto again = testkit::to_mjpeg(testkit::action_clip(*astronaut_, challenge, 15, 99).frames);
  auto f = verify(again, nonce);
  EXPECT_EQ(f.outcome, sdk::Outcome::fail);
  EXPECT_EQ(f.reasons.at(0).code, "LIVENESS_NONCE_USED");
}

TEST_F(Liveness, ExpiredWrongCaseUnknownAndMissingNoncesAreRefused) {
  auto clip = testkit::to_mjpeg(testkit::static_photo_clip(*astronaut_, 1).frames);
  auto late = liveness::format_iso8601(host_->clock().now() + 56s);
  EXPECT_EQ(verify(clip, issue({"blink", "nod"}), {}, "video/x-motion-jpeg", late).reasons.at(0).code,
            "LIVENESS_NONCE_EXPIRED");
  EXPECT_EQ(verify(clip, issue({"blink", "nod"}, "case-9")).reasons.at(0).code, "LIVENESS_NONCE_WRONG_CASE");
  EXPECT_EQ(verify(clip, "0123456789abcdef0123456789abcdef").reasons.at(0).code, "LIVENESS_NONCE_UNKNOWN");
  EXPECT_EQ(verify(clip, "").reasons.at(0).code, "LIVENESS_NONCE_MISSING");
}

TEST_F(Liveness, BadClipsGetClearReasons) {
  auto frames = testkit::static_photo_clip(*astronaut_, 1).frames;
  // Corrupt: a JPEG cut in the middle of the sequence.
  auto mjpeg = testkit::to_mjpeg(frames);
  mjpeg.resize(mjpeg.size() * 2 / 3);
  EXPECT_EQ(verify(mjpeg, issue({"blink", "nod"})).reasons.at(0).code, "CLIP_CORRUPT");
  // Not video at all.
  EXPECT_EQ(verify({'h', 'e', 'l', 'l', 'o'}, issue({"blink", "nod"})).reasons.at(0).code, "CLIP_CORRUPT");
  // Over the length limit: 8 s at 15 fps against max 6 s.
  auto long_clip = testkit::to_mjpeg(testkit::static_photo_clip(*astronaut_, 8).frames);
  EXPECT_EQ(verify(long_clip, issue({"blink", "nod"})).reasons.at(0).code, "CLIP_TOO_LONG");
  // Over the size limit.
  EXPECT_EQ(verify(testkit::to_mjpeg(frames), issue({"blink", "nod"}), {{"max_clip_bytes", 65536}}).reasons.at(0).code,
            "CLIP_TOO_LARGE");
  // Frames of different sizes.
  auto mixed = frames;
  cv::resize(mixed[3], mixed[3], cv::Size(320, 240));
  EXPECT_EQ(verify(testkit::to_mjpeg(mixed), issue({"blink", "nod"})).reasons.at(0).code, "CLIP_FRAME_SIZE_MISMATCH");
  // An unsupported type.
  EXPECT_EQ(verify(testkit::to_mjpeg(frames), issue({"blink", "nod"}), {}, "video/quicktime").reasons.at(0).code,
            "CLIP_FORMAT_UNSUPPORTED");
}

TEST_F(Liveness, NoFaceTwoFacesAndDarkFrames) {
  std::vector<cv::Mat> empty(15, cv::Mat(480, 640, CV_8UC3, cv::Scalar(170, 170, 170)));
  auto f = verify(testkit::to_mjpeg(empty), issue({"blink", "nod"}));
  EXPECT_EQ(f.outcome, sdk::Outcome::fail);
  EXPECT_TRUE(has(f, "NO_FACE")) << dump(f);

  std::vector<cv::Mat> dark;
  for (const auto& fr : testkit::static_photo_clip(*astronaut_, 1).frames) {
    cv::Mat d;
    fr.convertTo(d, -1, 0.04, 0);
    dark.push_back(d);
  }
  auto d = verify(testkit::to_mjpeg(dark), issue({"blink", "nod"}));
  EXPECT_TRUE(has(d, "NO_FACE")) << dump(d);
  EXPECT_TRUE(has(d, "FACE_TOO_DARK")) << dump(d);
  EXPECT_FALSE(has(f, "FACE_TOO_DARK")) << dump(f);

  // A face too small for the detector at capture size: the whole frame shrunk to a quarter, on grey.
  std::vector<cv::Mat> small_face;
  for (const auto& fr : testkit::static_photo_clip(*astronaut_, 1).frames) {
    cv::Mat small, canvas(480, 640, CV_8UC3, cv::Scalar(150, 155, 160));
    cv::resize(fr, small, cv::Size(160, 120), 0, 0, cv::INTER_AREA);
    small.copyTo(canvas(cv::Rect(240, 180, 160, 120)));
    small_face.push_back(canvas);
  }
  auto sm = verify(testkit::to_mjpeg(small_face), issue({"blink", "nod"}));
  EXPECT_EQ(sm.outcome, sdk::Outcome::fail);
  EXPECT_TRUE(has(sm, "FACE_TOO_SMALL")) << dump(sm);
  EXPECT_FALSE(has(f, "FACE_TOO_SMALL")) << dump(f);

  std::vector<cv::Mat> two;
  for (const auto& fr : testkit::static_photo_clip(*astronaut_, 1).frames) {
    cv::Mat small, canvas(480, 640, CV_8UC3, cv::Scalar(150, 150, 150));
    cv::resize(fr(cv::Rect(120, 0, 400, 480)), small, cv::Size(300, 360));
    small.copyTo(canvas(cv::Rect(10, 60, 300, 360)));
    small.copyTo(canvas(cv::Rect(330, 60, 300, 360)));
    two.push_back(canvas);
  }
  auto t = verify(testkit::to_mjpeg(two), issue({"blink", "nod"}));
  EXPECT_EQ(t.outcome, sdk::Outcome::fail);
  EXPECT_TRUE(has(t, "MULTIPLE_FACES")) << dump(t);
}

TEST_F(Liveness, ContainerVideoDecodesWhereOpenCvCanWriteIt) {
  std::vector<std::string> challenge = {"blink", "turn_left"};
  auto clip = testkit::action_clip(*astronaut_, challenge);
  auto path = std::filesystem::temp_directory_path() / ("liveness-test-" + new_nonce() + ".avi");
  cv::VideoWriter w(path.string(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 15, cv::Size(640, 480));
  if (!w.isOpened()) GTEST_SKIP() << "OpenCV has no video writer here";
  for (const auto& f : clip.frames) w.write(f);
  w.release();
  std::ifstream in(path, std::ios::binary);
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  std::filesystem::remove(path);
  // An AVI is neither WebM nor MP4: refused by type, then decoded when declared as MP4
  // (the FFmpeg backend reads the container, whatever the extension).
  auto f = verify(bytes, issue(challenge), {}, "video/mp4");
  EXPECT_EQ(f.outcome, sdk::Outcome::pass) << dump(f);
}

TEST_F(Liveness, WebmVideoDecodesWhereOpenCvCanWriteIt) {
  std::vector<std::string> challenge = {"turn_right", "open_mouth"};
  auto clip = testkit::action_clip(*astronaut_, challenge);
  auto path = std::filesystem::temp_directory_path() / ("liveness-test-" + new_nonce() + ".webm");
  cv::VideoWriter w;
  try {
    w.open(path.string(), cv::CAP_FFMPEG, cv::VideoWriter::fourcc('V', 'P', '8', '0'), 15, cv::Size(640, 480));
  } catch (const cv::Exception&) {
  }
  if (!w.isOpened()) GTEST_SKIP() << "OpenCV cannot write WebM here";
  for (const auto& f : clip.frames) w.write(f);
  w.release();
  std::ifstream in(path, std::ios::binary);
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  std::filesystem::remove(path);
  auto f = verify(bytes, issue(challenge), {}, "video/webm");
  EXPECT_EQ(f.outcome, sdk::Outcome::pass) << dump(f);
}

TEST(LivenessPlugin, LoadsAsARealPlugin) {
  if (testkit::face_api_model_dir().empty()) GTEST_SKIP();
  sdk::testing::FakeHost host;
  auto plugin = testkit::load_plugin(SHIMING_PLUGIN_DIR, "liveness", nlohmann::json::object(), host);
  auto* v = plugin->object->as_verifier();
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->evidence_needed(), std::vector<std::string>{"liveness-video"});
  auto rules = testkit::with_defaults(plugin->schemas.rules);
  EXPECT_EQ(rules["challenge_length"], 3);
  EXPECT_EQ(rules["actions"].size(), 5u);
  sdk::testing::FakeVerificationContext ctx;
  ctx.subject_.id = "case-1";
  ctx.params_ = rules;
  ctx.items.push_back({"liveness-video", "video/x-motion-jpeg", {0xFF, 0xD8}, {{"nonce", "nope"}}});
  auto f = v->verify(ctx);
  EXPECT_EQ(f.outcome, sdk::Outcome::fail);
  EXPECT_EQ(f.reasons.at(0).code, "LIVENESS_NONCE_UNKNOWN");
}
