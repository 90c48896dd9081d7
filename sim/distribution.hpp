// SPDX-License-Identifier: MIT
#pragma once
/// @file Named distributions for per-agent attributes (thresholds, later donations, ...).

#include <string>

#include "sim/random.hpp"

namespace wom {

/// A distribution as written in a scenario, e.g. `{dist = "uniform", low = 0.1, high = 0.5}`.
/// Parameters not used by `kind` are ignored; the scenario validator rejects them as keys.
struct Distribution {
  enum class Kind { kConstant, kUniform, kNormal, kBeta, kLognormal };
  Kind kind = Kind::kConstant;
  double value = 0.0;                ///< constant
  double low = 0.0, high = 1.0;      ///< uniform bounds; truncation bounds of normal/lognormal
  double mean = 0.0, sd = 1.0;       ///< normal; for lognormal: mean and sd of log(X)
  double alpha = 1.0, beta = 1.0;    ///< beta(alpha, beta)

  /// One draw. Truncated normal/lognormal use rejection, with a bounded number of tries
  /// after which the draw falls back to inverse-CDF clamping (documented in docs/scenario.md).
  /// Constant and uniform are inline: thresholds are drawn in the engine's arc loop.
  [[nodiscard]] double sample(CounterEngine& engine) const {
    if (kind == Kind::kConstant) return value;
    if (kind == Kind::kUniform) return low + (high - low) * unit(engine);
    return sample_shaped(engine);
  }
  /// Uniform on [0, 1): Boost.Random's uniform_01 for a 64-bit engine, draw × 2^-64, redrawn
  /// in the rare case that rounds to 1.
  static double unit(CounterEngine& engine) {
    for (;;) {
      const double r = nearest_double(engine()) * 0x1.0p-64;
      if (r < 1.0) return r;
    }
  }
  /// Smallest and largest value a draw can take (for range checks against what consumes it).
  [[nodiscard]] double min_value() const;
  [[nodiscard]] double max_value() const;
  /// Human-readable form for summaries and provenance, e.g. "uniform(0.1, 0.5)".
  [[nodiscard]] std::string describe() const;
  /// Scenario names of the kinds, in enum order: "constant", "uniform", "normal", "beta", "lognormal".
  static const char* kind_name(Kind kind);

 private:
  /// Normal, lognormal and beta.
  [[nodiscard]] double sample_shaped(CounterEngine& engine) const;
};

}  // namespace wom
