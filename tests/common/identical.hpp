// SPDX-License-Identifier: MIT
#pragma once
// Bit-identity of two runs' results, for the determinism tests.

#include <doctest/doctest.h>

#include "sim/run_result.hpp"

namespace wom::test {

inline void check_identical(const RunResult& a, const RunResult& b) {
  CHECK(a.new_adopters == b.new_adopters);
  CHECK(a.cumulative_adopters == b.cumulative_adopters);
  CHECK(a.exposures == b.exposures);
  CHECK(a.active_sharers == b.active_sharers);
  CHECK(a.adoption_step == b.adoption_step);
  REQUIRE(a.summaries.size() == b.summaries.size());
  for (std::size_t i = 0; i < a.summaries.size(); ++i) {
    CHECK(a.summaries[i].final_adopters == b.summaries[i].final_adopters);
    CHECK(a.summaries[i].exposures == b.summaries[i].exposures);
    CHECK(a.summaries[i].last_step == b.summaries[i].last_step);
  }
}

}  // namespace wom::test
