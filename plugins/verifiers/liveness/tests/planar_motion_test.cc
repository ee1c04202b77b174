// The printed-photo geometry cue on landmarks projected by a pinhole camera: a head (points at
// their depths) turning shows nose parallax; a flat sheet carrying the same points does not, however
// it is tilted, moved or rolled.
#include <cmath>
#include <functional>
#include <random>

#include <gtest/gtest.h>
#include <opencv2/calib3d.hpp>

#include "clip_analysis.h"
#include "planar_motion.h"

using namespace shiming;

namespace {

constexpr double kPi = 3.14159265358979323846;

// A frontal 68-point face in the x/y plane (eye distance 60 units) with a depth per point: the nose
// tip ~35 units in front of the eye corners, the outline at the ears ~40 units behind them.
std::vector<cv::Point3d> head_points() {
  std::vector<cv::Point3d> p(68);
  for (int i = 0; i <= 16; ++i) {  // jaw: a U from ear to ear
    double a = kPi * (1.0 - i / 16.0);
    p[i] = {70 * std::cos(a), 10 + 80 * std::sin(a) * (i > 3 && i < 13 ? 1.0 : 0.8) - (i <= 3 || i >= 13 ? 30 : 0),
            -40 + 30 * std::sin(a)};
  }
  for (int i = 0; i < 5; ++i) {  // brows
    p[17 + i] = {-55.0 + 10 * i, -40 - 3 * std::sin(i * kPi / 4), 5};
    p[22 + i] = {15.0 + 10 * i, -40 - 3 * std::sin(i * kPi / 4), 5};
  }
  for (int i = 0; i < 4; ++i) p[27 + i] = {0.0, -25.0 + 12 * i, 8.0 + 9 * i};  // bridge to tip (30)
  for (int i = 0; i < 5; ++i) p[31 + i] = {-14.0 + 7 * i, 25.0, 20.0 - 4 * std::abs(i - 2)};
  const double eye[6][2] = {{-45, 0}, {-38, -5}, {-22, -5}, {-15, 0}, {-22, 5}, {-38, 5}};
  const int mirror[6] = {3, 2, 1, 0, 5, 4};
  for (int i = 0; i < 6; ++i) {
    p[36 + i] = {eye[i][0], -20 + eye[i][1], 0};
    p[42 + i] = {-eye[mirror[i]][0], -20 + eye[mirror[i]][1], 0};
  }
  for (int i = 0; i < 20; ++i) {  // mouth
    double a = 2 * kPi * i / 12.0;
    p[48 + i] = {25 * std::cos(a) * (i < 12 ? 1.0 : 0.6), 50 + 8 * std::sin(a) * (i < 12 ? 1.0 : 0.4), 5};
  }
  return p;
}

face::FaceLandmarks project(const std::vector<cv::Point3d>& pts, double yaw, double pitch, double roll,
                            cv::Point3d shift, bool flat, std::mt19937& rng, double noise = 0.4) {
  cv::Mat R;
  cv::Rodrigues(cv::Vec3d(pitch * kPi / 180, yaw * kPi / 180, roll * kPi / 180), R);
  std::normal_distribution<double> n(0, noise);
  face::FaceLandmarks lm;
  const double f = 600, d = 400;
  for (int i = 0; i < 68; ++i) {
    cv::Mat p = R * (cv::Mat_<double>(3, 1) << pts[i].x, pts[i].y, flat ? 0.0 : -pts[i].z);
    double X = p.at<double>(0) + shift.x, Y = p.at<double>(1) + shift.y, Z = p.at<double>(2) + d + shift.z;
    lm.points[i] = cv::Point2f(float(f * X / Z + 320 + n(rng)), float(f * Y / Z + 240 + n(rng)));
  }
  return lm;
}

liveness::PlanarMotion run(bool flat, const std::vector<cv::Vec3d>& poses) {
  std::mt19937 rng(5);
  auto pts = head_points();
  std::vector<face::FaceLandmarks> frames;
  int k = 0;
  for (const auto& pose : poses) {
    cv::Point3d shift(10 * std::sin(k * 0.3), 6 * std::cos(k * 0.2), 20 * std::sin(k * 0.1));
    frames.push_back(project(pts, pose[0], pose[1], pose[2], shift, flat, rng));
    ++k;
  }
  std::vector<const face::FaceLandmarks*> ptrs;
  for (const auto& f : frames) ptrs.push_back(&f);
  return liveness::planar_motion(ptrs, 0.03);
}

std::vector<cv::Vec3d> turns() {
  std::vector<cv::Vec3d> poses;
  for (int i = 0; i < 30; ++i) {
    double t = i / 29.0;
    poses.push_back({25 * std::sin(2 * kPi * t), 15 * std::sin(kPi * t) * (t > 0.5), 3 * std::sin(4 * t)});
  }
  return poses;
}

}  // namespace

TEST(PlanarMotion, TurningHeadShowsNoseParallax) {
  auto m = run(false, turns());
  EXPECT_GE(m.tilt_frames, 10);
  EXPECT_GT(m.parallax_median, 0.08) << m.parallax_median;
  EXPECT_GT(m.parallax_per_tilt, 0.8) << m.parallax_per_tilt;
}

TEST(PlanarMotion, TiltedFlatSheetHasNone) {
  auto m = run(true, turns());
  EXPECT_GE(m.tilt_frames, 10) << "a tilted sheet is foreshortened beyond a similarity";
  EXPECT_LT(m.parallax_median, 0.02) << m.parallax_median;
  EXPECT_LT(m.parallax_per_tilt, 0.3) << m.parallax_per_tilt;
}

TEST(PlanarMotion, MovedRolledAndZoomedHeadIsNotTilted) {
  std::vector<cv::Vec3d> poses;
  for (int i = 0; i < 30; ++i) poses.push_back({0, 0, 8 * std::sin(i * 0.4)});
  auto m = run(false, poses);
  EXPECT_EQ(m.tilt_frames, 0) << m.tilt_max;
}

TEST(PlanarMotion, TooFewFramesMeasureNothing) {
  EXPECT_EQ(liveness::planar_motion({}, 0.03).frames, 0);
  face::FaceLandmarks one;
  EXPECT_EQ(liveness::planar_motion({&one}, 0.03).frames, 0);
}

namespace {

// Flow measurements of a clip: per frame the texture's view change beyond a similarity (tilt) and
// the homography residual (parallax) as `residual(tilt)` gives it, tilts swinging 0..0.05 eye
// distances as a turn comes and goes.
liveness::ClipAnalysis flow_clip(const std::function<double(double)>& residual, const liveness::LivenessParams& p = {}) {
  std::vector<liveness::FrameSignals> frames(40);
  for (std::size_t i = 0; i < frames.size(); ++i) {
    auto& f = frames[i];
    f.flow_points = 40;
    f.flow_tilt = 0.05 * std::abs(std::sin(double(i) * 0.25));
    f.flow_parallax = residual(f.flow_tilt);
  }
  liveness::ClipAnalysis a;
  liveness::summarise_flow(frames, p, a);
  return a;
}

}  // namespace

TEST(FlowPlanarity, APlaneStaysAtTheTrackingNoiseWhateverTheTilt) {
  const liveness::LivenessParams p;
  auto quiet = flow_clip([](double) { return 0.003; });
  EXPECT_GE(quiet.flow_tilt_frames, p.planar_min_frames);
  EXPECT_TRUE(liveness::flow_says_plane(quiet, p)) << quiet.flow_parallax;
  // A blurred, glossy print tracks worse: its residual is over the absolute limit, but it does not
  // grow with the tilt (noise floor 0.008, at the largest tilts 0.011).
  auto noisy = flow_clip([](double tilt) { return 0.008 + 0.06 * tilt; });
  EXPECT_GT(noisy.flow_parallax, p.planar_parallax);
  EXPECT_NEAR(noisy.flow_parallax_low, 0.008, 0.001);
  EXPECT_TRUE(liveness::flow_says_plane(noisy, p)) << noisy.flow_parallax_low << " " << noisy.flow_parallax_high;
  liveness::LivenessParams absolute_only = p;
  absolute_only.planar_noise_ratio = absolute_only.planar_noise_margin = 0;
  EXPECT_FALSE(liveness::flow_says_plane(noisy, absolute_only));
}

TEST(FlowPlanarity, AHeadsResidualGrowsWithItsTurn) {
  const liveness::LivenessParams p;
  // Nose against cheeks: the residual grows by ~0.45 of the view change (face_bench: live clips
  // 0.34-0.77) above a low noise floor, and above a noisy one.
  for (double floor : {0.001, 0.004}) {
    auto head = flow_clip([&](double tilt) { return floor + 0.45 * tilt; });
    EXPECT_GE(head.flow_tilt_frames, p.planar_min_frames);
    EXPECT_FALSE(liveness::flow_says_plane(head, p)) << floor << ": " << head.flow_parallax << " "
                                                     << head.flow_parallax_low << " " << head.flow_parallax_high;
  }
  // Without view changes over the tilt threshold nothing is decided (a photo held still is
  // STATIC_PHOTO's case).
  liveness::LivenessParams strict = p;
  strict.planar_flow_tilt = 0.2;
  auto still = flow_clip([](double) { return 0.001; }, strict);
  EXPECT_EQ(still.flow_tilt_frames, 0);
  EXPECT_FALSE(liveness::flow_says_plane(still, strict));
}
