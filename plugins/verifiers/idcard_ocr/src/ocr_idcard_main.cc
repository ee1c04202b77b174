// A stand-alone `ocr idcard` for people debugging photos without the whole shimingctl.
#include <iostream>

#include "shiming/idcard_ocr/ctl_ocr_idcard.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return shiming::idcard_ocr::run_ocr_idcard(args, std::cout, std::cerr);
}
