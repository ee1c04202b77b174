#include "common/log.h"

#include <gtest/gtest.h>

namespace shiming {
namespace {

TEST(RedactPii, MasksEighteenDigitNumbers) {
  EXPECT_EQ(redact_pii("id=11010519491231002X ok"), "id=110105********002X ok");
  EXPECT_EQ(redact_pii("11010519491231002x"), "110105********002x");
  EXPECT_EQ(redact_pii("\"110105194912310021\""), "\"110105********0021\"");
}

TEST(RedactPii, MasksFifteenDigitLegacyNumbers) {
  EXPECT_EQ(redact_pii("old 110105491231002."), "old 110105******002.");
}

TEST(RedactPii, LeavesOtherNumbersAlone) {
  EXPECT_EQ(redact_pii("took 1234567 us, status 200"), "took 1234567 us, status 200");
  EXPECT_EQ(redact_pii("1101051949123100212"), "1101051949123100212");  // 19 digits: not an ID
}

}  // namespace
}  // namespace shiming
