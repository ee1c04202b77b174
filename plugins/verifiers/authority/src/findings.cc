#include "findings.h"

namespace shiming::authority {

sdk::Finding finding_for_answer(Answer answer, std::optional<double> similarity,
                                const AnswerPolicy& policy) {
  using sdk::Outcome;
  switch (answer) {
    case Answer::match: {
      auto f = sdk::Finding::passed(similarity.value_or(1.0));
      return f;
    }
    case Answer::name_mismatch:
      return sdk::Finding::with(
          Outcome::fail,
          {"AUTHORITY_NAME_MISMATCH",
           "The name does not match the national identity record for this ID number.",
           "姓名与公安部身份证库中该身份证号码的登记信息不一致。",
           "Enter your name exactly as printed on your ID card, character by character (including "
           "any middle dot · and rare characters), then submit again.",
           "请按身份证上印制的姓名逐字填写（包括间隔号“·”和生僻字），然后重新提交。"});
    case Answer::id_not_found:
      return sdk::Finding::with(
          Outcome::fail,
          {"AUTHORITY_ID_NOT_FOUND", "The ID number is not in the national identity database.",
           "公安部身份证库中没有该身份证号码。",
           "Check all 18 characters of the ID number against your card. If it is correct, ask the "
           "police station where your household is registered to check your record.",
           "请对照身份证核对全部18位号码；如号码无误，请到户籍所在地派出所核查户籍信息。"});
    case Answer::id_cancelled: {
      auto f = sdk::Finding::with(
          policy.on_id_cancelled,
          {"AUTHORITY_ID_CANCELLED",
           "The national identity database marks this ID record as cancelled (e.g. re-issued "
           "or deregistered).",
           "公安部身份证库显示该身份证信息已注销（如已补换领或户籍注销）。",
           "If your card was re-issued, register with the details of your newest card. Otherwise "
           "contact the police station where your household is registered, then the exam office.",
           "如已补换领身份证，请使用最新证件的信息报名；否则请联系户籍所在地派出所，再联系考试机构。"});
      return f;
    }
    case Answer::photo_mismatch: {
      auto f = sdk::Finding::with(
          policy.on_photo_mismatch,
          {"AUTHORITY_PHOTO_MISMATCH",
           "The live photo does not match the portrait held by the national identity database.",
           "现场照片与公安部身份证库中的证件照比对不一致。",
           "Take a new photo facing the camera in good light, without glasses, hat or mask. "
           "Staff will review your case if the photos still differ.",
           "请在光线充足处正对镜头重新拍照，勿戴眼镜、帽子或口罩；如仍不一致，将由工作人员人工审核。"});
      f.score = similarity.value_or(0.0);
      return f;
    }
    case Answer::rate_limited:
    case Answer::unavailable:
      break;
  }
  return waiting_finding("AUTHORITY_UNAVAILABLE", "unexpected answer", std::chrono::seconds(60));
}

sdk::Finding waiting_finding(const std::string& code, const std::string& why,
                             std::chrono::seconds after) {
  auto f = sdk::Finding::with(
      sdk::Outcome::retry,
      {code, "Checking with the national identity authority, please wait.",
       "正在与公安部身份证库核验，请稍候。",
       "No action is needed: your application stays in the queue and is checked again "
       "automatically.",
       "您无需操作：申请仍在队列中，系统将自动重新核验。"});
  f.retry_after = after;
  f.details["waiting_because"] = why;
  return f;
}

sdk::Finding error_finding(const std::string& code, const std::string& message,
                           const std::string& message_zh) {
  return sdk::Finding::with(sdk::Outcome::error,
                            {code, message, message_zh, "Staff will review your case.",
                             "工作人员将人工审核您的申请。"});
}

sdk::Finding local_face_mismatch_finding() {
  return sdk::Finding::with(
      sdk::Outcome::fail,
      {"AUTHORITY_LOCAL_FACE_MISMATCH",
       "The live photo does not match the portrait on the ID card, so it was not sent to the "
       "national identity authority.",
       "现场照片与身份证人像不一致，未提交公安部身份证库比对。",
       "Take a new photo facing the camera in good light and make sure the ID card photo is "
       "sharp and complete.",
       "请在光线充足处正对镜头重新拍照，并确保身份证照片清晰完整。"});
}

}  // namespace shiming::authority
