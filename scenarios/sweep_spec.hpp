// SPDX-License-Identifier: MIT
#pragma once
/// @file `[sweep]`: the scalar keys of a parameter study, as the schema stores them. The
/// parameters themselves (`[sweep.parameters]`) are read by plan_sweep (scenarios/sweep.hpp)
/// together with their positions in the file, so their errors can point at them.

#include <cstdint>
#include <optional>
#include <string>

namespace wom {

struct SweepSpec {
  /// "grid" (Cartesian product), "zip" (lists in lockstep), "random", "latin_hypercube".
  std::string design = "grid";
  std::uint64_t points = 0;                 ///< random / latin_hypercube: number of points
  std::optional<std::uint64_t> seed;        ///< random / latin_hypercube; default from run.seed
  std::optional<std::uint64_t> replicates;  ///< replicates per point; default run.replicates
  /// Every point uses the same random streams for replicate r (run.seed), so differences
  /// between points are not blurred by sampling noise; false: each point its own seed.
  bool common_random_numbers = true;
};

}  // namespace wom
