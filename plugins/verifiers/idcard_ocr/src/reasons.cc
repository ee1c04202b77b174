#include "shiming/idcard_ocr/reasons.h"

#include <algorithm>
#include <string>

namespace shiming::idcard_ocr {
namespace {

struct Entry {
  std::string_view code, message, message_zh, advice, advice_zh;
  bool capture;
};

const Entry kEntries[] = {
    {"NOT_AN_IMAGE", "The upload is not a JPEG or PNG image.", "上传的文件不是 JPEG 或 PNG 图片。",
     "Upload a photo of your ID card (JPEG or PNG).", "请上传身份证照片（JPEG 或 PNG 格式）。", true},
    {"IMAGE_TRUNCATED", "The image file is incomplete.", "图片文件不完整。",
     "Upload the photo again; the transfer was cut short.", "图片上传不完整，请重新上传。", true},
    {"IMAGE_TOO_LARGE", "The image is too large to process.", "图片尺寸过大，无法处理。",
     "Upload a photo of at most 12 megapixels.", "请上传不超过 1200 万像素的照片。", true},
    {"IMAGE_TOO_SMALL", "The image is too small to read.", "图片尺寸过小，无法识别。",
     "Upload a photo of at least 1 megapixel.", "请上传不少于 100 万像素的照片。", true},
    {"CARD_NOT_FOUND", "No ID card was found in the photo.", "照片中未找到身份证。",
     "Lay the card on a plain, dark surface and photograph all of it.", "请将身份证平放在纯色深色背景上，拍摄完整卡面。", true},
    {"CARD_TOO_SMALL", "The card is too small in the photo.", "身份证在照片中占比过小。",
     "Move the camera closer so the card fills most of the photo.", "请靠近拍摄，使身份证占满照片的大部分。", true},
    {"CARD_CUT_OFF", "Part of the card is outside the photo.", "身份证部分在照片之外。",
     "Photograph the whole card with a little space around it.", "请拍摄完整的身份证，四周留出少许空白。", true},
    {"MULTIPLE_CARDS", "More than one card is in the photo.", "照片中有多张卡片。",
     "Photograph one card side at a time.", "每张照片只拍一张卡片的一面。", true},
    {"IMAGE_BLURRED", "The photo is too blurred to read.", "照片模糊，无法识别。",
     "Hold the phone still, let it focus, and take the photo again.", "请保持手机稳定、对焦清晰后重新拍摄。", true},
    {"GLARE", "Glare covers part of the card's text.", "反光遮挡了卡面文字。",
     "Avoid direct light on the card; tilt it slightly or turn off the flash.", "请避免强光直射卡面，可稍微倾斜或关闭闪光灯。", true},
    {"IMAGE_TOO_DARK", "The photo is too dark.", "照片过暗。",
     "Take the photo in a brighter place.", "请在光线充足的地方重新拍摄。", true},
    {"IMAGE_OVEREXPOSED", "The photo is overexposed.", "照片曝光过度。",
     "Avoid strong light or flash and take the photo again.", "请避免强光或闪光灯，重新拍摄。", true},
    {"WRONG_SIDE", "The other side of the card was uploaded.", "上传的是身份证的另一面。",
     "Upload the portrait side as the front and the emblem side as the back.", "请将人像面作为正面、国徽面作为背面上传。", true},
    {"NOT_AN_ID_CARD", "The photo does not show a resident ID card.", "照片不是居民身份证。",
     "Upload photos of your second-generation resident ID card.", "请上传第二代居民身份证的照片。", true},
    {"OCR_LOW_CONFIDENCE", "Some fields could not be read with certainty.", "部分信息无法准确识别。",
     "Staff will check your card; you may also upload sharper photos.", "工作人员将人工核对；您也可以重新上传更清晰的照片。", false},
    {"ID_NUMBER_INVALID", "The number on the card fails the GB 11643 check.", "卡面号码未通过校验。",
     "Upload clear photos of a genuine resident ID card.", "请上传真实有效的居民身份证清晰照片。", false},
    {"ID_NUMBER_MISMATCH", "The number on the card differs from the number you entered.", "卡面号码与您填写的身份证号码不一致。",
     "Check the ID number you entered, or upload your own card.", "请核对填写的身份证号码，或上传本人身份证。", false},
    {"NAME_MISMATCH", "The name on the card differs from the name you entered.", "卡面姓名与您填写的姓名不一致。",
     "Enter your name exactly as printed on your ID card.", "请按身份证上的姓名准确填写。", false},
    {"BIRTH_MISMATCH", "The birth date on the card differs from the one in the number.", "卡面出生日期与身份证号码不一致。",
     "Upload clear photos of a genuine resident ID card.", "请上传真实有效的居民身份证清晰照片。", false},
    {"SEX_MISMATCH", "The sex on the card differs from the one in the number.", "卡面性别与身份证号码不一致。",
     "Upload clear photos of a genuine resident ID card.", "请上传真实有效的居民身份证清晰照片。", false},
    {"CARD_EXPIRED", "The ID card is not valid on the exam date.", "身份证在考试日期已过有效期。",
     "Renew your ID card at the public security office first, then verify again.", "请先到公安机关换领身份证，再重新进行实名认证。", false},
    {"VALIDITY_SPAN_INVALID", "The card's validity period is not one the law allows for the holder's age.",
     "有效期限与持证人年龄不符合法定期限。", "Staff will check your card.", "工作人员将人工核对您的证件。", false},
};

}  // namespace

sdk::Reason reason_for(std::string_view code) {
  for (const auto& e : kEntries)
    if (e.code == code)
      return {std::string(e.code), std::string(e.message), std::string(e.message_zh), std::string(e.advice),
              std::string(e.advice_zh)};
  return {std::string(code), "The ID card check reported " + std::string(code) + ".", "身份证核验未通过。",
          "Staff will review your case.", "工作人员将人工审核您的申请。"};
}

const std::vector<std::string_view>& reason_codes() {
  static const std::vector<std::string_view> kCodes = [] {
    std::vector<std::string_view> v;
    for (const auto& e : kEntries) v.push_back(e.code);
    return v;
  }();
  return kCodes;
}

bool is_capture_problem(std::string_view code) {
  return std::any_of(std::begin(kEntries), std::end(kEntries),
                     [&](const Entry& e) { return e.code == code && e.capture; });
}

}  // namespace shiming::idcard_ocr
