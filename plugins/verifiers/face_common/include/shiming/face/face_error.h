#pragma once
// Errors of the face toolkit: sdk::Error values with English and zh-CN text.
#include <string>

#include "shiming/sdk/result.h"

namespace shiming::face {

inline sdk::Error face_error(std::string code, std::string message, std::string message_zh) {
  return sdk::make_error(std::move(code), std::move(message), std::move(message_zh));
}

}  // namespace shiming::face
