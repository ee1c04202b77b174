#pragma once
// The dlib ResNet-29 face descriptor (dnn_face_recognition_ex's anet_type,
// 128-d, 99.38% on LFW) with weights read from @vladmandic/face-api's
// face_recognition_model.bin + weights manifest (tfjs, uint8-quantised).
#include <array>
#include <memory>
#include <string>

#include <opencv2/core.hpp>

#include "shiming/face/landmarks.h"
#include "shiming/sdk/result.h"

namespace shiming::face {

using FaceDescriptor = std::array<float, 128>;

double descriptor_distance(const FaceDescriptor& a, const FaceDescriptor& b);

// dlib trained the network on (pixel - mean) / 256; face-api feeds
// (pixel - mean) / 255. `faceapi` reproduces face-api's numbers exactly
// (used to prove the port); `dlib` is how the network was trained.
enum class DescriptorInputScale { dlib, faceapi };

class FaceDescriptorNet {
 public:
  ~FaceDescriptorNet();
  FaceDescriptorNet(const FaceDescriptorNet&) = delete;
  FaceDescriptorNet& operator=(const FaceDescriptorNet&) = delete;

  // `model_dir` holds face_recognition_model-weights_manifest.json and its .bin
  // shards. Errors: FACE_MODEL_MISSING, FACE_MODEL_INVALID (with the tensor at fault).
  static sdk::Result<std::unique_ptr<FaceDescriptorNet>> load(
      const std::string& model_dir, DescriptorInputScale scale = DescriptorInputScale::dlib);

  // The 150x150 aligned chip dlib's example uses (get_face_chip_details(shape, 150, 0.25)),
  // as 8-bit BGR.
  static cv::Mat align(const cv::Mat& bgr, const FaceLandmarks& landmarks);
  // Descriptor of an aligned 150x150 BGR chip. Thread-safe (serialised).
  FaceDescriptor compute_chip(const cv::Mat& chip_bgr) const;
  FaceDescriptor compute(const cv::Mat& bgr, const FaceLandmarks& landmarks) const {
    return compute_chip(align(bgr, landmarks));
  }

 private:
  FaceDescriptorNet();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shiming::face
