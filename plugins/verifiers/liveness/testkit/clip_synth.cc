#include "clip_synth.h"

#include <cmath>
#include <random>
#include <stdexcept>

#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>

#include "face_test_data.h"

namespace shiming::face::testkit {
namespace {

constexpr double kPi = 3.14159265358979323846;

double smooth(double t) { return t <= 0 ? 0 : t >= 1 ? 1 : t * t * (3 - 2 * t); }

// Adds displacement to the maps so the lids close: output rows [top, U, L, bottom]
// sample source rows [top, upper lid, lower lid, bottom], with U and L moving
// towards the meeting line (70% down the eye) as `amount` goes to 1.
void close_eyes(const FaceLandmarks& lm, double amount, cv::Mat& map_x, cv::Mat& map_y) {
  if (amount <= 0) return;
  auto lerp = [](float a, float b, float t) { return a + (b - a) * t; };
  for (bool left : {false, true}) {
    const int s = left ? FaceLandmarks::kLeftEye : FaceLandmarks::kRightEye;
    const cv::Point2f* p = &lm.points[s];
    float x0 = p[0].x, x1 = p[3].x, w = x1 - x0;
    float upper = std::min(p[1].y, p[2].y) - 0.04f * w, lower = std::max(p[4].y, p[5].y) + 0.04f * w;
    float gap = std::max(2.0f, lower - upper);
    float top = upper - 1.6f * gap - 0.15f * w, bottom = lower + 0.8f * gap + 0.1f * w;
    float meet = upper + 0.7f * gap;
    float U = lerp(upper, meet, float(amount)), L = lerp(lower, meet, float(amount));
    int ya = int(top), yb = int(bottom);
    int xa = int(x0 - 0.35f * w), xb = int(x1 + 0.35f * w);
    for (int y = std::max(0, ya); y <= std::min(map_y.rows - 1, yb); ++y)
      for (int x = std::max(0, xa); x <= std::min(map_y.cols - 1, xb); ++x) {
        float u = (x - (x0 + x1) / 2) / (0.85f * w);
        float wx = float(smooth((1.0 - std::abs(u)) * 2.5));
        float fy = float(y), src;
        if (fy <= U) src = top + (fy - top) * (upper - top) / std::max(1.0f, U - top);
        else if (fy <= L) src = upper + (fy - U) * (lower - upper) / std::max(1e-3f, L - U);
        else src = lower + (fy - L) * (bottom - lower) / std::max(1.0f, bottom - L);
        map_y.at<float>(y, x) += wx * (src - fy);
      }
  }
}

// Depth of the face above the image plane (px): an ellipsoid and a nose bump.
cv::Mat face_depth(const FaceLandmarks& lm, cv::Size size) {
  cv::Mat z(size, CV_32F, cv::Scalar(0));
  float fw = lm.points[16].x - lm.points[0].x;
  cv::Point2f c((lm.points[0].x + lm.points[16].x) / 2, (lm.points[27].y + lm.points[8].y) / 2);
  float rx = 0.62f * fw, ry = 0.8f * (lm.points[8].y - lm.points[19].y) + 0.1f * fw;
  cv::Point2f nose = lm.points[30];
  float sigma = 0.12f * fw;
  for (int y = 0; y < size.height; ++y)
    for (int x = 0; x < size.width; ++x) {
      float dx = (x - c.x) / rx, dy = (y - c.y) / ry;
      float e = 1 - dx * dx - dy * dy;
      float v = e > 0 ? 0.45f * fw * std::sqrt(e) : 0;
      float nx = x - nose.x, ny = y - (nose.y - 0.4f * sigma);
      v += 0.28f * fw * std::exp(-(nx * nx + 0.5f * ny * ny) / (2 * sigma * sigma));
      z.at<float>(y, x) = v;
    }
  cv::GaussianBlur(z, z, cv::Size(0, 0), 3);
  return z;
}

void rotate_head(const cv::Mat& depth, double yaw, double pitch, cv::Mat& map_x, cv::Mat& map_y) {
  if (yaw == 0 && pitch == 0) return;
  float sy = float(std::sin(yaw * kPi / 180)), sp = float(std::sin(pitch * kPi / 180));
  for (int y = 0; y < depth.rows; ++y)
    for (int x = 0; x < depth.cols; ++x) {
      float z = depth.at<float>(y, x);
      map_x.at<float>(y, x) -= z * sy;
      map_y.at<float>(y, x) += z * sp;  // chin up: the protruding nose moves up
    }
}

void open_mouth(const FaceLandmarks& lm, double amount, cv::Mat& img) {
  if (amount <= 0) return;
  const auto& p = lm.points;
  float mw = p[54].x - p[48].x;
  float ym = (p[62].y + p[66].y) / 2, xm = (p[62].x + p[66].x) / 2;
  float d = float(amount) * 0.45f * mw;
  float chin = p[8].y, end = chin + 0.25f * (p[16].x - p[0].x);
  float xa = p[3].x, xb = p[13].x;
  cv::Mat map_x(img.size(), CV_32F), map_y(img.size(), CV_32F);
  for (int y = 0; y < img.rows; ++y)
    for (int x = 0; x < img.cols; ++x) {
      map_x.at<float>(y, x) = float(x);
      float shift = 0;
      if (y >= ym && y <= end && x >= xa && x <= xb) {
        float fy = y <= chin ? 1.0f : 1.0f - (y - chin) / std::max(1.0f, end - chin);
        float u = (x - (xa + xb) / 2) / ((xb - xa) / 2);
        shift = d * fy * float(smooth((1 - std::abs(u)) * 3));
      }
      map_y.at<float>(y, x) = float(y) - shift;
    }
  cv::Mat out;
  cv::remap(img, out, map_x, map_y, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  cv::ellipse(out, cv::Point2f(xm, ym + d / 2), cv::Size2f(0.36f * mw, d / 2 + 1), 0, 0, 360,
              cv::Scalar(35, 30, 60), -1, cv::LINE_AA);
  cv::ellipse(out, cv::Point2f(xm, ym + d * 0.8f), cv::Size2f(0.2f * mw, d / 5 + 1), 0, 0, 360,
              cv::Scalar(80, 70, 150), -1, cv::LINE_AA);
  img = out;
}

void shake_and_noise(cv::Mat& frame, std::mt19937& rng) {
  std::normal_distribution<double> shift(0.0, 0.6);
  cv::Mat m = (cv::Mat_<double>(2, 3) << 1, 0, shift(rng), 0, 1, shift(rng));
  cv::Mat moved;
  cv::warpAffine(frame, moved, m, frame.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  cv::Mat noise(frame.size(), CV_16SC3);
  cv::randn(noise, 0, 2.0);
  moved.convertTo(moved, CV_16SC3);
  moved += noise;
  moved.convertTo(frame, CV_8UC3);
}

double action_envelope(double t, double start) {
  // 0.15 s in, 0.2 s hold, 0.15 s out.
  double u = t - start;
  if (u < 0 || u > 0.5) return 0;
  if (u < 0.15) return smooth(u / 0.15);
  if (u < 0.35) return 1;
  return smooth((0.5 - u) / 0.15);
}

FacePose pose_for(const std::string& action, double k) {
  FacePose p;
  if (action == "blink") p.eyes_closed = k;
  else if (action == "turn_left") p.yaw = 28 * k;
  else if (action == "turn_right") p.yaw = -28 * k;
  else if (action == "nod") p.pitch = 24 * k;  // chin up: the depth warp renders it more faithfully than chin down
  else if (action == "open_mouth") p.mouth_open = k;
  return p;
}

}  // namespace

FaceSource make_face_source(const FaceAnalyzer& analyzer, const cv::Mat& face_crop) {
  FaceSource s;
  s.frame = cv::Mat(480, 640, CV_8UC3, cv::Scalar(150, 155, 160));
  cv::Mat scaled;
  cv::resize(face_crop, scaled, cv::Size(400, 400), 0, 0, cv::INTER_AREA);
  scaled.copyTo(s.frame(cv::Rect(120, 40, 400, 400)));
  auto faces = analyzer.analyze(s.frame);
  if (faces.empty()) throw std::runtime_error("no face in the clip source");
  s.landmarks = faces[0].landmarks;
  return s;
}

cv::Mat render(const FaceSource& src, const FacePose& pose) {
  cv::Mat img = src.frame.clone();
  if (pose.mouth_open > 0) open_mouth(src.landmarks, pose.mouth_open, img);
  cv::Mat map_x(img.size(), CV_32F), map_y(img.size(), CV_32F);
  for (int y = 0; y < img.rows; ++y)
    for (int x = 0; x < img.cols; ++x) {
      map_x.at<float>(y, x) = float(x);
      map_y.at<float>(y, x) = float(y);
    }
  close_eyes(src.landmarks, pose.eyes_closed, map_x, map_y);
  if (pose.yaw != 0 || pose.pitch != 0) {
    static thread_local cv::Mat depth;
    static thread_local const FaceSource* depth_of = nullptr;
    if (depth_of != &src || depth.size() != img.size()) {
      depth = face_depth(src.landmarks, img.size());
      depth_of = &src;
    }
    rotate_head(depth, pose.yaw, pose.pitch, map_x, map_y);
  }
  cv::Mat out;
  cv::remap(img, out, map_x, map_y, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  return out;
}

SynthClip action_clip(const FaceSource& src, const std::vector<std::string>& actions, double fps,
                      std::uint32_t seed) {
  SynthClip clip;
  clip.fps = fps;
  std::mt19937 rng(seed);
  const double lead = 0.3, each = 0.5, gap = 0.25, tail = 0.3;
  double total = lead + actions.size() * each + (actions.empty() ? 0 : (actions.size() - 1) * gap) + tail;
  for (std::size_t i = 0; i < actions.size(); ++i) {
    clip.action_peaks.push_back({actions[i], lead + i * (each + gap) + 0.25});
  }
  int n = int(std::ceil(total * fps));
  for (int i = 0; i < n; ++i) {
    double t = i / fps;
    FacePose pose;
    for (std::size_t a = 0; a < actions.size(); ++a) {
      double k = action_envelope(t, lead + a * (each + gap));
      if (k <= 0) continue;
      FacePose p = pose_for(actions[a], k);
      pose.eyes_closed += p.eyes_closed;
      pose.yaw += p.yaw;
      pose.pitch += p.pitch;
      pose.mouth_open += p.mouth_open;
    }
    cv::Mat f = render(src, pose);
    shake_and_noise(f, rng);
    clip.frames.push_back(f);
  }
  return clip;
}

SynthClip static_photo_clip(const FaceSource& src, double seconds, double fps, std::uint32_t seed) {
  SynthClip clip;
  clip.fps = fps;
  std::mt19937 rng(seed);
  for (int i = 0; i < int(seconds * fps); ++i) {
    cv::Mat f = src.frame.clone();
    shake_and_noise(f, rng);
    clip.frames.push_back(f);
  }
  return clip;
}

SynthClip screen_replay(const SynthClip& in) {
  SynthClip out = in;
  if (in.frames.empty()) return out;
  cv::Size size = in.frames[0].size();
  cv::Mat pattern(size, CV_32F);
  const double a1 = 3 * kPi / 180, a2 = -2 * kPi / 180, p1 = 3.1, p2 = 3.3;
  for (int y = 0; y < size.height; ++y)
    for (int x = 0; x < size.width; ++x) {
      double g1 = std::sin(2 * kPi * (x * std::cos(a1) + y * std::sin(a1)) / p1);
      double g2 = std::sin(2 * kPi * (x * std::cos(a2) + y * std::sin(a2)) / p2);
      double grid = (x % 3 == 0 || y % 3 == 0) ? 0.88 : 1.0;
      pattern.at<float>(y, x) = float((1 + 0.10 * g1) * (1 + 0.10 * g2) * grid);
    }
  cv::Mat p3;
  cv::merge(std::vector<cv::Mat>{pattern, pattern, pattern}, p3);
  for (auto& f : out.frames) {
    cv::Mat ff;
    f.convertTo(ff, CV_32FC3, 0.85, 20);
    ff = ff.mul(p3);
    f = cv::Mat();  // a new buffer: the frames of `in` share theirs with `out`
    ff.convertTo(f, CV_8UC3);
  }
  return out;
}

SynthClip handheld_action_clip(const FaceSource& src, const std::vector<std::string>& actions, double fps,
                               std::uint32_t seed) {
  SynthClip clip;
  clip.fps = fps;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> phase(0, 2 * kPi), amp(0.5, 1.0);
  const double lead = 0.3, each = 0.5, gap = 0.25, tail = 0.3;
  double total = lead + actions.size() * each + (actions.empty() ? 0 : (actions.size() - 1) * gap) + tail;
  for (std::size_t i = 0; i < actions.size(); ++i) clip.action_peaks.push_back({actions[i], lead + i * (each + gap) + 0.25});
  // Slow sways: head yaw/pitch (degrees), camera rotation (degrees), zoom, at ~0.3-0.7 Hz.
  const double py = phase(rng), pp = phase(rng), pc = phase(rng), pz = phase(rng), pr = phase(rng);
  const double ay = 4 * amp(rng), ap = 3 * amp(rng), ac = 2 * amp(rng), az = 0.03 * amp(rng), ar = 2 * amp(rng);
  const double f = 600;  // focal length, px (a phone's ~65 degree horizontal field of view at 640 px)
  int n = int(std::ceil(total * fps));
  for (int i = 0; i < n; ++i) {
    double t = i / fps;
    FacePose pose;
    pose.yaw = ay * std::sin(2 * kPi * 0.4 * t + py);
    pose.pitch = ap * std::sin(2 * kPi * 0.3 * t + pp);
    for (std::size_t a = 0; a < actions.size(); ++a) {
      double k = action_envelope(t, lead + a * (each + gap));
      if (k <= 0) continue;
      FacePose p = pose_for(actions[a], k);
      pose.eyes_closed += p.eyes_closed;
      pose.yaw += p.yaw;
      pose.pitch += p.pitch;
      pose.mouth_open += p.mouth_open;
    }
    cv::Mat frame = render(src, pose);
    // The camera turns about its centre (pan, tilt, roll) and moves closer or away (zoom).
    double pan = ac * std::sin(2 * kPi * 0.5 * t + pc) * kPi / 180, tilt = ac * std::cos(2 * kPi * 0.35 * t + pc) * kPi / 180;
    double roll = ar * std::sin(2 * kPi * 0.25 * t + pr) * kPi / 180, zoom = 1 + az * std::sin(2 * kPi * 0.3 * t + pz);
    cv::Mat R;
    cv::Rodrigues(cv::Vec3d(tilt, pan, roll), R);
    cv::Mat K = (cv::Mat_<double>(3, 3) << f * zoom, 0, frame.cols / 2.0, 0, f * zoom, frame.rows / 2.0, 0, 0, 1);
    cv::Mat K0 = (cv::Mat_<double>(3, 3) << f, 0, frame.cols / 2.0, 0, f, frame.rows / 2.0, 0, 0, 1);
    cv::Mat H = K * R * K0.inv();
    cv::Mat moved;
    cv::warpPerspective(frame, moved, H, frame.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    shake_and_noise(moved, rng);
    clip.frames.push_back(moved);
  }
  return clip;
}

namespace {

// The print: the neutral face with a white border, at twice the frame's resolution.
cv::Mat make_print(const FaceSource& src, const PrintOptions& o, std::mt19937& rng) {
  cv::Mat face = src.frame(cv::Rect(120, 40, 400, 400));
  cv::Mat card(440, 440, CV_8UC3, cv::Scalar(255, 255, 255));
  face.copyTo(card(cv::Rect(20, 20, 400, 400)));
  cv::Mat big;
  cv::resize(card, big, cv::Size(880, 880), 0, 0, cv::INTER_CUBIC);
  cv::Mat f;
  big.convertTo(f, CV_32FC3, 1 / 255.0);
  if (o.halftone) {
    // Amplitude-modulated dots on a 45 degree screen, 6 px period at 2x, one screen per ink (C, M,
    // Y on the B, G, R channels) at the usual 15 / 75 / 0 degree offsets.
    const double angles[3] = {15 + 45, 75 + 45, 0 + 45};
    std::vector<cv::Mat> ch;
    cv::split(f, ch);
    for (int c = 0; c < 3; ++c) {
      double a = angles[c] * kPi / 180, ca = std::cos(a), sa = std::sin(a);
      for (int y = 0; y < ch[c].rows; ++y) {
        float* row = ch[c].ptr<float>(y);
        for (int x = 0; x < ch[c].cols; ++x) {
          double u = (x * ca + y * sa) / 6.0, v = (-x * sa + y * ca) / 6.0;
          double screen = 0.5 + 0.25 * (std::cos(2 * kPi * u) + std::cos(2 * kPi * v));  // 0..1
          double ink = 1.0 - row[x];
          row[x] = screen < ink ? 0.0f : 1.0f;
        }
      }
    }
    cv::merge(ch, f);
  }
  std::vector<cv::Mat> ch;
  cv::split(f, ch);
  if (o.gamut < 1.0) {
    // The inks' smaller gamut: chroma pulled towards each pixel's grey.
    cv::Mat grey = 0.114f * ch[0] + 0.587f * ch[1] + 0.299f * ch[2];
    for (int c = 0; c < 3; ++c) ch[c] = grey + float(o.gamut) * (ch[c] - grey);
  }
  // Ink and paper: full black ink reflects `ink_black`, the paper is a tinted white; paper grain.
  cv::Mat grain(f.size(), CV_32F);
  cv::randn(grain, 0, 0.03);
  cv::GaussianBlur(grain, grain, cv::Size(0, 0), 1.5);
  const float black = float(o.ink_black);
  for (int c = 0; c < 3; ++c) ch[c] = (black + (float(o.paper[c]) - black) * ch[c]) + grain;
  cv::merge(ch, f);
  // Ink spread at the print's scale (halftone dots blur into tone, with some moire left).
  cv::GaussianBlur(f, f, cv::Size(0, 0), o.print_blur >= 0 ? std::max(0.01, o.print_blur) : o.halftone ? 1.6 : 0.8);
  (void)rng;
  return f;
}

}  // namespace

PrintOptions realistic_print(std::uint32_t seed) {
  std::mt19937 rng(seed * 2654435761u + 17u);
  std::uniform_real_distribution<double> u(0, 1);
  PrintOptions o;
  o.halftone = false;
  o.glare = u(rng) < 0.4;  // most home prints are matte; some photo paper is glossy
  o.glare_strength = 0.15 + 0.25 * u(rng);
  o.tilt_degrees = 15 + 15 * u(rng);
  o.distance = 0.85 + 0.35 * u(rng);
  o.ink_black = 0.06 + 0.14 * u(rng);
  // Paper white: 0.82-0.96, tinted from cool (blue over red) to warm (red over blue).
  const double white = 0.82 + 0.14 * u(rng), tint = 0.08 * (u(rng) - 0.35);
  o.paper = cv::Scalar(white - tint, white, std::min(1.0, white + tint));
  o.gamut = 0.65 + 0.3 * u(rng);
  o.print_blur = 0.5 + 1.0 * u(rng);
  o.camera_blur = 0.5 + 0.6 * u(rng);
  return o;
}

SynthClip printed_photo_clip(const FaceSource& src, const std::vector<std::string>& actions, double fps,
                             std::uint32_t seed, const PrintOptions& o) {
  SynthClip clip;
  clip.fps = fps;
  std::mt19937 rng(seed);
  std::normal_distribution<double> shake(0.0, 0.8);
  std::uniform_real_distribution<double> phase(0, 2 * kPi), uni(-1, 1);
  const cv::Mat print = make_print(src, o, rng);
  // The scene behind the card: a wall with a soft light gradient and some texture.
  cv::Mat scene(480, 640, CV_32FC3);
  {
    cv::Mat tex(480, 640, CV_32F);
    cv::randn(tex, 0, 0.08);
    cv::GaussianBlur(tex, tex, cv::Size(0, 0), 6);
    double b = 0.45 + 0.2 * uni(rng);
    for (int y = 0; y < 480; ++y)
      for (int x = 0; x < 640; ++x) {
        float v = float(b + 0.15 * x / 640.0 + tex.at<float>(y, x));
        scene.at<cv::Vec3f>(y, x) = cv::Vec3f(v * 0.95f, v, v * 1.05f);
      }
  }
  const double lead = 0.3, each = 0.5, gap = 0.25, tail = 0.3;
  double total = lead + actions.size() * each + (actions.empty() ? 0 : (actions.size() - 1) * gap) + tail;
  for (std::size_t i = 0; i < actions.size(); ++i) clip.action_peaks.push_back({actions[i], lead + i * (each + gap) + 0.25});
  const double f = 600, d = f * o.distance;  // at distance f the card appears at 1 px per card px
  const double pd = phase(rng), pr = phase(rng);
  const double glare_x = 0.3 + 0.4 * (uni(rng) + 1) / 2, glare_y = 0.25 + 0.2 * (uni(rng) + 1) / 2;
  int n = int(std::ceil(total * fps));
  for (int i = 0; i < n; ++i) {
    double t = i / fps;
    double yaw = 3 * std::sin(2 * kPi * 0.4 * t + pd), pitch = 2 * std::sin(2 * kPi * 0.3 * t + pr);
    double roll = 2 * std::sin(2 * kPi * 0.25 * t + pr);
    for (std::size_t a = 0; a < actions.size(); ++a) {
      double k = action_envelope(t, lead + a * (each + gap));
      if (k <= 0) continue;
      if (actions[a] == "turn_left") yaw += o.tilt_degrees * k;
      else if (actions[a] == "turn_right") yaw -= o.tilt_degrees * k;
      else if (actions[a] == "nod") pitch += 0.75 * o.tilt_degrees * k;
      else roll += 4 * k;  // a blink or an open mouth cannot be shown: the hand nudges the card
    }
    // Card corners in card coordinates (px at full size), rotated and placed in front of the camera.
    cv::Mat R;
    cv::Rodrigues(cv::Vec3d(pitch * kPi / 180, yaw * kPi / 180, roll * kPi / 180), R);
    cv::Point3d centre(20 * std::sin(2 * kPi * 0.2 * t + pd) + shake(rng), 10 * std::sin(2 * kPi * 0.15 * t) + shake(rng),
                       d * (1 + 0.04 * std::sin(2 * kPi * 0.3 * t + pr)));
    const double half = 220;
    cv::Point2f from[4] = {{0, 0}, {float(print.cols), 0}, {float(print.cols), float(print.rows)}, {0, float(print.rows)}};
    cv::Point2f to[4];
    const double corners[4][2] = {{-half, -half}, {half, -half}, {half, half}, {-half, half}};
    for (int c = 0; c < 4; ++c) {
      cv::Mat p = R * (cv::Mat_<double>(3, 1) << corners[c][0], corners[c][1], 0);
      double X = p.at<double>(0) + centre.x, Y = p.at<double>(1) + centre.y, Z = p.at<double>(2) + centre.z;
      to[c] = cv::Point2f(float(f * X / Z + 320), float(f * Y / Z + 240 + 0));
    }
    cv::Mat sheet = print.clone();
    if (o.glare) {
      // Specular glare: the mirror image of a light moves across glossy paper twice as fast as it
      // tilts; it washes the print out towards white.
      double gx = (glare_x + 2.0 * std::sin(yaw * kPi / 180)) * sheet.cols;
      double gy = (glare_y - 2.0 * std::sin(pitch * kPi / 180)) * sheet.rows;
      double sx = 0.18 * sheet.cols, sy = 0.12 * sheet.rows, strength = o.glare_strength;
      for (int y = 0; y < sheet.rows; ++y) {
        cv::Vec3f* row = sheet.ptr<cv::Vec3f>(y);
        double dy = (y - gy) / sy;
        if (std::abs(dy) > 4) continue;
        for (int x = 0; x < sheet.cols; ++x) {
          double dx = (x - gx) / sx;
          float g = float(strength * std::exp(-0.5 * (dx * dx + dy * dy)));
          if (g < 1e-3f) continue;
          for (int c = 0; c < 3; ++c) row[x][c] = row[x][c] + g * (1.0f - row[x][c]);
        }
      }
    }
    cv::Mat H = cv::getPerspectiveTransform(from, to);
    cv::Mat frame = scene.clone();
    cv::warpPerspective(sheet, frame, H, frame.size(), cv::INTER_LINEAR, cv::BORDER_TRANSPARENT);
    if (o.camera_blur > 0) cv::GaussianBlur(frame, frame, cv::Size(0, 0), o.camera_blur);
    cv::Mat out;
    frame.convertTo(out, CV_8UC3, 255.0);
    shake_and_noise(out, rng);
    clip.frames.push_back(out);
  }
  return clip;
}

SynthClip face_swap_clip(const FaceSource& a, const FaceSource& b, const std::vector<std::string>& actions,
                         double fps) {
  SynthClip ca = action_clip(a, actions, fps, 11), cb = action_clip(b, actions, fps, 13);
  SynthClip out = ca;
  for (std::size_t i = out.frames.size() / 2; i < out.frames.size() && i < cb.frames.size(); ++i) {
    out.frames[i] = cb.frames[i];
  }
  return out;
}

std::vector<std::uint8_t> to_mjpeg(const std::vector<cv::Mat>& frames, int quality) {
  std::vector<std::uint8_t> out;
  for (const auto& f : frames) {
    auto j = encode_jpeg(f, quality);
    out.insert(out.end(), j.begin(), j.end());
  }
  return out;
}

}  // namespace shiming::face::testkit
