#include "liveness_reasons.h"

#include <map>
#include <stdexcept>

namespace shiming::liveness {
namespace {

const char* kRetry = "Start the liveness check again and follow the on-screen prompts.";
const char* kRetryZh = "请重新开始活体检测，并按屏幕提示完成动作。";

}  // namespace

sdk::Reason liveness_reason(const std::string& code, const std::string& detail) {
  static const std::map<std::string, sdk::Reason> kReasons = {
      {"LIVENESS_NONCE_MISSING", {"", "The video was uploaded without its challenge code.", "上传的视频缺少检测码。", kRetry, kRetryZh}},
      {"LIVENESS_NONCE_UNKNOWN", {"", "The challenge code of the video is not known.", "视频的检测码无效。", kRetry, kRetryZh}},
      {"LIVENESS_NONCE_WRONG_CASE", {"", "The challenge code belongs to another application.", "检测码不属于本申请。", kRetry, kRetryZh}},
      {"LIVENESS_NONCE_USED", {"", "The challenge code was already used.", "检测码已被使用。", kRetry, kRetryZh}},
      {"LIVENESS_NONCE_EXPIRED", {"", "The video arrived after the challenge expired.", "视频上传时检测码已过期。",
                                  "Start again and upload the video right after recording.", "请重新开始，录制后立即上传。"}},
      {"LIVENESS_CHALLENGE_INVALID", {"", "The stored challenge is malformed.", "检测任务数据有误。",
                                      "Staff will review your case.", "工作人员将人工审核您的申请。"}},
      {"NO_FACE", {"", "No face was found in the video.", "视频中未检测到人脸。",
                   "Face the camera in good light; if it keeps failing, try another phone or computer.",
                   "请正对镜头、在光线充足处录制；如多次失败，请换一部手机或电脑。"}},
      {"FACE_TOO_DARK", {"", "The video is too dark to see the face.", "视频过暗，无法看清人脸。",
                         "Record in good light, facing the light rather than having it behind you.",
                         "请在光线充足处录制，面向光源，不要背光。"}},
      {"FACE_TOO_SMALL", {"", "The face is too small in the video.", "视频中的人脸太小。",
                          "Come closer: your face should fill about a third of the picture.",
                          "请靠近镜头，使面部约占画面的三分之一。"}},
      {"MULTIPLE_FACES", {"", "More than one face appears in the video.", "视频中出现多张人脸。",
                          "Make sure only you are in the picture.", "请确保画面中只有您本人。"}},
      {"FACE_NOT_VISIBLE", {"", "The face is missing from too many frames.", "视频中较多画面未拍到人脸。",
                            "Keep your whole face in the frame the whole time; avoid backlight.",
                            "请全程保持面部在画面内，避免逆光。"}},
      {"ACTION_NOT_PERFORMED", {"", "A requested action was not seen in order.", "未按顺序检测到要求的动作。", kRetry, kRetryZh}},
      {"FACE_CHANGED", {"", "The face changed during the video.", "视频中途人脸发生变化。",
                        "The applicant must record the whole video in person.", "须由申请人本人全程录制。"}},
      {"STATIC_PHOTO", {"", "The video looks like a still photo (no natural movement).", "视频疑似静态照片（无自然动作）。",
                        "Record yourself live, not a photo.", "请本人现场录制，不要翻拍照片。"}},
      {"SCREEN_REPLAY", {"", "The video looks like a screen being filmed.", "视频疑似翻拍屏幕。",
                         "Record yourself live with the device's own camera.", "请使用设备摄像头本人现场录制。"}},
      {"PRINTED_PHOTO", {"", "The video looks like a printed photo held in front of the camera (the face moved as one flat sheet, without depth).",
                         "视频疑似手持打印照片翻拍（人脸像一张平面纸整体移动，没有立体感）。",
                         "Record yourself live, not a photo: face the camera yourself and do the actions shown.",
                         "请本人面对镜头现场录制并完成提示动作，不要使用照片。"}},
      {"SPOOF_TEXTURE", {"", "The face in the video has the tones or glare of a printed photo or a screen rather than of a lit face.",
                         "视频中的人脸呈现打印照片或屏幕的色调或反光，而非真人面部。",
                         "Record yourself live in even light, not a photo or a screen; avoid strong light shining on the camera.",
                         "请在光线均匀处本人现场录制，不要使用照片或屏幕；避免强光直射镜头。"}},
  };
  sdk::Reason r;
  auto it = kReasons.find(code);
  if (it != kReasons.end()) {
    r = it->second;
  } else if (code.rfind("CLIP_", 0) == 0 || code.rfind("IMAGE_", 0) == 0) {
    r = {"", "The video could not be used.", "视频无法使用。",
         "Record the video again (a few seconds, following the prompts) and upload it.",
         "请按提示重新录制几秒钟的视频并上传。"};
  } else {
    throw std::logic_error("unknown liveness reason " + code);
  }
  r.code = code;
  if (!detail.empty()) r.message += " " + detail;
  return r;
}

}  // namespace shiming::liveness
