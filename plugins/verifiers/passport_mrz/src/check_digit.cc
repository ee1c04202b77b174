#include "shiming/mrz/mrz.h"

namespace shiming::mrz {

int check_digit(std::string_view text) {
  static constexpr int kWeights[3] = {7, 3, 1};
  int sum = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'A' && c <= 'Z') v = c - 'A' + 10;
    else if (c == '<') v = 0;
    else return -1;
    sum += v * kWeights[i % 3];
  }
  return sum % 10;
}

const char* to_string(Format f) {
  switch (f) {
    case Format::td1: return "TD1";
    case Format::td2: return "TD2";
    case Format::td3: return "TD3";
  }
  return "TD3";
}

}  // namespace shiming::mrz
