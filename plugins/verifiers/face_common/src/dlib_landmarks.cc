#include <filesystem>
#include <fstream>

#include <dlib/image_processing/shape_predictor.h>
#include <dlib/opencv/cv_image.h>
#include <dlib/serialize.h>

#include "shiming/face/face_error.h"
#include "shiming/face/landmarks.h"

namespace shiming::face {

cv::Point2f FaceLandmarks::eye_center(bool left) const {
  int start = left ? kLeftEye : kRightEye;
  cv::Point2f c(0, 0);
  for (int i = 0; i < 6; ++i) c += points[start + i];
  return c * (1.0f / 6.0f);
}

double FaceLandmarks::inter_ocular() const {
  cv::Point2f d = eye_center(true) - eye_center(false);
  return std::sqrt(double(d.x) * d.x + double(d.y) * d.y);
}

namespace {

class DlibLandmarkModel : public LandmarkModel {
 public:
  explicit DlibLandmarkModel(dlib::shape_predictor sp) : sp_(std::move(sp)) {}
  FaceLandmarks fit(const cv::Mat& gray, const cv::Rect& box) const override {
    cv::Mat g = gray.isContinuous() ? gray : gray.clone();
    dlib::cv_image<unsigned char> img(g);
    dlib::rectangle r(box.x, box.y, box.x + box.width - 1, box.y + box.height - 1);
    dlib::full_object_detection shape = sp_(img, r);
    FaceLandmarks lm;
    for (unsigned i = 0; i < 68 && i < shape.num_parts(); ++i) {
      lm.points[i] = cv::Point2f(float(shape.part(i).x()), float(shape.part(i).y()));
    }
    return lm;
  }
  std::string name() const override { return "dlib-68"; }

 private:
  dlib::shape_predictor sp_;
};

}  // namespace

sdk::Result<std::unique_ptr<LandmarkModel>> load_dlib_landmarks(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return face_error("FACE_MODEL_MISSING",
                      "Landmark model not found at " + path + " (Debian package libdlib-data).",
                      "未找到人脸关键点模型：" + path);
  }
  dlib::shape_predictor sp;
  try {
    std::ifstream in(path, std::ios::binary);
    dlib::deserialize(sp, in);
  } catch (const std::exception& e) {
    return face_error("FACE_MODEL_INVALID", "Landmark model " + path + " is unreadable: " + e.what(),
                      "人脸关键点模型文件无法读取。");
  }
  if (sp.num_parts() != 68) {
    return face_error("FACE_MODEL_INVALID",
                      "Landmark model has " + std::to_string(sp.num_parts()) + " points, 68 expected.",
                      "人脸关键点模型不是 68 点模型。");
  }
  return std::unique_ptr<LandmarkModel>(new DlibLandmarkModel(std::move(sp)));
}

}  // namespace shiming::face
