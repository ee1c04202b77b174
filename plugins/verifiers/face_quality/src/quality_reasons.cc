#include "quality_reasons.h"

#include <map>
#include <stdexcept>

namespace shiming::face_quality {

sdk::Reason quality_reason(const std::string& code) {
  static const std::map<std::string, sdk::Reason> kReasons = {
      {"NO_FACE", {"NO_FACE", "No face was found in the photo.", "照片中未检测到人脸。",
                   "Face the camera in good, even light and take the photo again; if it keeps failing, try another phone or computer.",
                   "请正对镜头，在光线均匀充足处重新拍摄；如多次失败，请换一部手机或电脑。"}},
      {"MULTIPLE_FACES", {"MULTIPLE_FACES", "More than one face is in the photo.", "照片中有多张人脸。",
                          "Make sure only you are in the picture.", "请确保画面中只有您本人。"}},
      {"FACE_TOO_SMALL", {"FACE_TOO_SMALL", "The face is too small in the photo.", "照片中的人脸太小。",
                          "Move closer so that your face fills a good part of the frame.", "请靠近镜头，使面部占据画面的主要部分。"}},
      {"FACE_TOO_CLOSE", {"FACE_TOO_CLOSE", "The face is too close to the camera.", "人脸离镜头太近。",
                          "Move back a little so that your whole head is in the frame.", "请稍微后退，使整个头部都在画面内。"}},
      {"FACE_NOT_CENTERED", {"FACE_NOT_CENTERED", "The face is not in the middle of the photo or is cut off.",
                             "人脸不在画面中央或不完整。", "Keep your face in the middle of the frame.",
                             "请将面部保持在画面中央。"}},
      {"IMAGE_BLURRY", {"IMAGE_BLURRY", "The photo is blurred.", "照片模糊。",
                        "Clean the camera lens and hold the device still; if it stays blurred, try another phone or computer.",
                        "请擦拭摄像头镜头并保持设备稳定；如仍模糊，请换一部手机或电脑。"}},
      {"FACE_TOO_DARK", {"FACE_TOO_DARK", "The face is too dark.", "面部过暗。",
                         "Move to a brighter place with the light in front of you.", "请到明亮处拍摄，光线应来自您的正前方。"}},
      {"FACE_OVEREXPOSED", {"FACE_OVEREXPOSED", "The face is overexposed.", "面部过曝。",
                            "Avoid strong direct light such as sunlight or a lamp shining on your face.",
                            "请避免阳光或灯光直射面部。"}},
      {"BACKLIGHT", {"BACKLIGHT", "The face is much darker than the background (backlight).", "逆光：面部明显暗于背景。",
                     "Avoid backlight: do not stand with a window or a lamp behind you.", "请避免逆光，不要背对窗户或灯光。"}},
      {"BACKGROUND_NOT_PLAIN", {"BACKGROUND_NOT_PLAIN", "The background is not plain and light.", "背景不是浅色纯色背景。",
                                "Stand in front of a plain, light-coloured wall.", "请站在浅色纯色墙面前拍摄。"}},
      {"EYES_CLOSED", {"EYES_CLOSED", "The eyes are closed.", "眼睛处于闭合状态。",
                       "Keep your eyes open and look at the camera.", "请睁开眼睛并注视镜头。"}},
      {"SUNGLASSES", {"SUNGLASSES", "The eyes are covered (sunglasses or similar).", "眼部被遮挡（如墨镜）。",
                      "Take off sunglasses or tinted glasses.", "请摘下墨镜或有色眼镜。"}},
      {"FACE_MASK", {"FACE_MASK", "The lower face is covered (mask or similar).", "面部下半部分被遮挡（如口罩）。",
                     "Take off your mask and anything covering your mouth or chin.", "请摘下口罩及遮挡口鼻、下巴的物品。"}},
      {"HEAD_NOT_FRONTAL", {"HEAD_NOT_FRONTAL", "The head is turned or tilted.", "头部偏转或倾斜。",
                            "Look straight at the camera and keep your head upright.", "请正视镜头，保持头部端正。"}},
  };
  auto it = kReasons.find(code);
  if (it == kReasons.end()) throw std::logic_error("unknown face quality reason " + code);
  return it->second;
}

}  // namespace shiming::face_quality
