// Writes a liveness clip as a YUV4MPEG2 file (4:2:0) for Chromium's fake camera
// (--use-fake-device-for-media-stream --use-file-for-fake-video-capture=FILE.y4m), made with the
// face plugins' test kit from a real face photo (astronaut.png):
//   --live FILE.y4m --actions blink,turn_left   the face performs the actions
//   --static FILE.y4m                           a photo held up to the camera (3 s)
// Chromium plays the file in a loop, so any stretch as long as two passes holds every action in order.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "clip_synth.h"
#include "face_pairs.h"
#include "shiming/face/face_models.h"

namespace tk = shiming::face::testkit;

namespace {

int usage() {
  std::cerr << "usage: browser_liveness_clip [--live FILE.y4m --actions a,b[,c]] [--static FILE.y4m]\n";
  return 2;
}

bool write_y4m(const std::string& path, const tk::SynthClip& clip) {
  if (clip.frames.empty()) return false;
  std::ofstream out(path, std::ios::binary);
  const cv::Mat& first = clip.frames.front();
  // C420jpeg: the chroma siting cv::COLOR_BGR2YUV_I420 produces (centred), planes Y, U, V.
  out << "YUV4MPEG2 W" << first.cols << " H" << first.rows << " F" << int(clip.fps + 0.5)
      << ":1 Ip A1:1 C420jpeg\n";
  cv::Mat yuv;
  for (const auto& f : clip.frames) {
    cv::cvtColor(f, yuv, cv::COLOR_BGR2YUV_I420);
    out << "FRAME\n";
    out.write(reinterpret_cast<const char*>(yuv.data), static_cast<std::streamsize>(yuv.total() * yuv.elemSize()));
  }
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  std::string live_path, static_path, actions_arg;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--live") live_path = argv[i + 1];
    else if (a == "--actions") actions_arg = argv[i + 1];
    else if (a == "--static") static_path = argv[i + 1];
    else return usage();
  }
  if ((live_path.empty() && static_path.empty()) || live_path.empty() != actions_arg.empty()) return usage();
  try {
    auto analyzer = shiming::face::FaceAnalyzer::load(shiming::face::kDefaultLandmarkModel);
    if (!analyzer) {
      std::cerr << "cannot load the landmark model: " << analyzer.error().message << "\n";
      return 1;
    }
    // The first identity is astronaut.png (always present: python3-skimage).
    auto originals = tk::identity_originals(**analyzer);
    tk::FaceSource src = tk::make_face_source(**analyzer, originals.at(0).image);
    std::vector<std::pair<std::string, tk::SynthClip>> clips;
    if (!live_path.empty()) {
      std::vector<std::string> actions;
      std::stringstream ss(actions_arg);
      for (std::string a; std::getline(ss, a, ',');)
        if (!a.empty()) actions.push_back(a);
      clips.emplace_back(live_path, tk::action_clip(src, actions));
    }
    if (!static_path.empty()) clips.emplace_back(static_path, tk::static_photo_clip(src, 3));
    for (const auto& [path, clip] : clips) {
      if (!write_y4m(path, clip)) {
        std::cerr << "cannot write " << path << "\n";
        return 1;
      }
      std::cout << path << ": " << clip.frames.size() << " frames at " << clip.fps << " fps\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "browser_liveness_clip: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
