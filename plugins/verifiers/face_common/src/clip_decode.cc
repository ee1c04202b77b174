#include "shiming/face/clip_decode.h"

#include <filesystem>
#include <fstream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "shiming/face/challenge.h"
#include "shiming/face/face_error.h"
#include "shiming/face/image_decode.h"

namespace shiming::face {
namespace {

sdk::Error corrupt(const std::string& why) {
  return face_error("CLIP_CORRUPT", "The video could not be read: " + why, "视频文件损坏，无法读取。");
}

sdk::Error too_long(double seconds, double limit) {
  return face_error("CLIP_TOO_LONG",
                    "The video lasts " + std::to_string(seconds) + " s; at most " +
                        std::to_string(limit) + " s is accepted.",
                    "视频过长，请按提示重新录制（不超过 " + std::to_string(int(limit)) + " 秒）。");
}

sdk::Error size_mismatch() {
  return face_error("CLIP_FRAME_SIZE_MISMATCH", "The video frames do not all have the same size.",
                    "视频各帧尺寸不一致。");
}

sdk::Result<Clip> decode_mjpeg(std::span<const std::uint8_t> data, const ClipLimits& limits, double fps) {
  auto parts = split_mjpeg(data);
  if (!parts) return parts.error();
  if (fps <= 0) fps = limits.default_fps;
  double seconds = double(parts->size()) / fps;
  if (seconds > limits.max_seconds + 1e-9 || int(parts->size()) > limits.max_frames) {
    return too_long(seconds, limits.max_seconds);
  }
  Clip clip;
  clip.fps = fps;
  ImageLimits il;
  il.max_bytes = limits.max_bytes;
  il.max_width = limits.max_width;
  il.max_height = limits.max_height;
  int w = -1, h = -1;
  for (const auto& part : *parts) {
    auto header = read_image_header(part);
    if (!header) return corrupt("frame " + std::to_string(clip.frames.size()) + ": " + header.error().message);
    if (w >= 0 && (header->width != w || header->height != h)) return size_mismatch();
    w = header->width;
    h = header->height;
  }
  for (const auto& part : *parts) {
    auto img = decode_image(part, il);
    if (!img) {
      if (img.error().code == "IMAGE_TOO_LARGE") {
        return face_error("CLIP_TOO_LARGE", "Video frames are larger than " + std::to_string(limits.max_width) +
                                                "x" + std::to_string(limits.max_height) + ".",
                          "视频分辨率过高。");
      }
      return corrupt("frame " + std::to_string(clip.frames.size()) + ": " + img.error().message);
    }
    clip.frames.push_back({std::move(*img), double(clip.frames.size()) / fps});
  }
  clip.duration = seconds;
  return clip;
}

sdk::Result<Clip> decode_container(std::span<const std::uint8_t> data, const std::string& ext,
                                   const ClipLimits& limits) {
  namespace fs = std::filesystem;
  fs::path path = fs::temp_directory_path() / ("shiming-clip-" + new_nonce() + ext);
  {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data.data()), std::streamsize(data.size()));
    if (!out) return corrupt("cannot stage the clip for decoding");
  }
  struct Remove {
    fs::path p;
    ~Remove() { std::error_code ec; fs::remove(p, ec); }
  } remove{path};
  cv::VideoCapture cap;
  try {
    cap.open(path.string(), cv::CAP_FFMPEG);
  } catch (const cv::Exception& e) {
    return corrupt(e.what());
  }
  if (!cap.isOpened()) return corrupt("the container is not readable");
  int w = int(cap.get(cv::CAP_PROP_FRAME_WIDTH)), h = int(cap.get(cv::CAP_PROP_FRAME_HEIGHT));
  if (w > limits.max_width || h > limits.max_height) {
    return face_error("CLIP_TOO_LARGE", "Video frames are larger than " + std::to_string(limits.max_width) +
                                            "x" + std::to_string(limits.max_height) + ".",
                      "视频分辨率过高。");
  }
  double fps = cap.get(cv::CAP_PROP_FPS);
  if (!(fps > 0 && fps < 240)) fps = limits.default_fps;
  Clip clip;
  clip.fps = fps;
  cv::Mat frame;
  while (true) {
    bool ok = false;
    try {
      ok = cap.read(frame);
    } catch (const cv::Exception&) {
      ok = false;
    }
    if (!ok || frame.empty()) break;
    double t = cap.get(cv::CAP_PROP_POS_MSEC) / 1000.0;
    if (!clip.frames.empty() && (frame.cols != clip.frames[0].bgr.cols || frame.rows != clip.frames[0].bgr.rows)) {
      return size_mismatch();
    }
    if (clip.frames.empty() || !(t > clip.frames.back().t)) t = double(clip.frames.size()) / fps;
    if (int(clip.frames.size()) >= limits.max_frames || t > limits.max_seconds + 1e-9) {
      return too_long(t, limits.max_seconds);
    }
    clip.frames.push_back({frame.clone(), t});
  }
  if (clip.frames.empty()) return corrupt("no frame could be decoded");
  double t0 = clip.frames.front().t;
  for (auto& f : clip.frames) f.t -= t0;
  clip.duration = clip.frames.back().t + 1.0 / fps;
  return clip;
}

}  // namespace

sdk::Result<std::vector<std::span<const std::uint8_t>>> split_mjpeg(std::span<const std::uint8_t> d) {
  std::vector<std::span<const std::uint8_t>> out;
  std::size_t i = 0;
  while (i < d.size()) {
    // Tolerate padding between frames.
    while (i < d.size() && d[i] != 0xFF) {
      if (d[i] != 0x00 && d[i] != '\r' && d[i] != '\n') return corrupt("data between frames is not JPEG");
      ++i;
    }
    if (i >= d.size()) break;
    std::size_t end = jpeg_length(d.subspan(i));
    if (end != 0) end += i;
    if (end == 0) return corrupt("frame " + std::to_string(out.size()) + " is not a complete JPEG");
    out.push_back(d.subspan(i, end - i));
    i = end;
  }
  if (out.empty()) return corrupt("no JPEG frame found");
  return out;
}

sdk::Result<Clip> decode_clip(std::span<const std::uint8_t> data, const std::string& content_type,
                              const ClipLimits& limits, double fps) {
  if (data.empty()) return face_error("CLIP_EMPTY", "The video is empty.", "视频为空。");
  if (data.size() > limits.max_bytes) {
    return face_error("CLIP_TOO_LARGE",
                      "The video is " + std::to_string(data.size()) + " bytes; the limit is " +
                          std::to_string(limits.max_bytes) + ".",
                      "视频文件过大，请按提示重新录制。");
  }
  std::string type = content_type.substr(0, content_type.find(';'));
  sdk::Result<Clip> clip = face_error("CLIP_FORMAT_UNSUPPORTED",
                                      "Video type '" + type +
                                          "' is not accepted; use video/x-motion-jpeg, video/webm or video/mp4.",
                                      "不支持该视频格式，请使用 MJPEG、WebM 或 MP4。");
  if (type == "video/x-motion-jpeg" || type == "video/mjpeg" || type.empty()) {
    clip = decode_mjpeg(data, limits, fps);
  } else if (type == "video/webm") {
    clip = decode_container(data, ".webm", limits);
  } else if (type == "video/mp4") {
    clip = decode_container(data, ".mp4", limits);
  }
  if (clip && clip->frames.size() < 2) {
    return face_error("CLIP_TOO_SHORT", "The video has fewer than two frames.", "视频过短。");
  }
  return clip;
}

}  // namespace shiming::face
