// A generated passport page the reader reads with confidence, and a context declaring it.
#pragma once

#include <gtest/gtest.h>

#include "shiming/mrz/mrz_reader.h"
#include "shiming/mrz/passport_generator.h"
#include "shiming/sdk/testing/fakes.h"

namespace shiming::mrz::testing {

// The first seed from 1 whose page reads confidently (deterministic: fixed seeds and code).
inline const gen::Sample& confident_sample() {
  static const gen::Sample s = [] {
    for (std::uint64_t seed = 1; seed < 60; ++seed) {
      auto sample = gen::make_sample(seed);
      ReaderOptions o;
      o.reference_year = 2026;
      auto r = read_mrz(sample.jpeg, o);
      if (r.ok() && r->confident() && r->parsed->lines[1] == sample.lines[1]) return sample;
    }
    return gen::Sample{};
  }();
  return s;
}

inline void declare(sdk::testing::FakeVerificationContext& ctx, const gen::Sample& s) {
  ctx.clock_.set(std::chrono::sys_days{std::chrono::year{2026} / 3 / 1});
  ctx.subject_.exam_date = "2026-05-23";
  ctx.subject_.identity.sex = s.identity.sex;
  ctx.subject_.identity.extra = {{"passport_number", s.identity.document_number},
                                 {"surname", s.identity.surname},
                                 {"given_names", s.identity.given_names},
                                 {"nationality", s.identity.nationality},
                                 {"birth", s.identity.birth}};
  ctx.items = {sdk::Evidence{"passport", "image/jpeg", s.jpeg, {}}};
}

}  // namespace shiming::mrz::testing
