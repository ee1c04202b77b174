// mrz_read_tool FILE... : runs `ocr passport --json` on each file (a development aid).
#include <iostream>

#include "shiming/mrz/ctl.h"

int main(int argc, char** argv) {
  int rc = 0;
  for (int i = 1; i < argc; ++i)
    rc |= shiming::mrz::run_ocr_passport({argv[i], "--json"}, std::cout, std::cerr);
  return rc;
}
