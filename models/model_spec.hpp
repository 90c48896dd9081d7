// SPDX-License-Identifier: MIT
#pragma once
/// @file `[model]`: which decision and spreading rule, with its parameters.

#include <cstdint>
#include <optional>
#include <string>

namespace wom {

struct ModelSpec {
  /// Registry name (models/registry.cpp): "independent_cascade", "linear_threshold",
  /// "fractional_threshold", "complex_contagion", "bass", "sir", "sis" or "rumour".
  std::string name = "independent_cascade";
  /// independent_cascade: base probability that an exposure over an arc converts; the
  /// effective per-arc probability is probability × trust (trust 1 is classic IC).
  double probability = 0.1;

  /// bass: innovation and imitation rates per period, steps per period (a step is
  /// 1/period_steps of a period), and the form of the per-step probability: "hazard"
  /// Δ(p + q·m/k) or "independent" 1 - (1 - Δp)(1 - Δq/k)^m.
  double p = 0.03;
  double q = 0.38;
  double period_steps = 1.0;
  std::string form = "hazard";

  /// sir, sis: transmission per contact and recovery; probabilities per step, or rates per
  /// step with update = "continuous" (sir).
  double beta = 0.1;
  double gamma = 0.1;
  /// sir, sis, rumour: "synchronous", "random_sequential" (rumour) or "continuous"; empty
  /// means the model's default (synchronous for sir and sis, random_sequential for rumour).
  std::string update;

  /// complex_contagion: distinct adopted neighbours needed, or (when fraction > 0) the
  /// fraction of in-neighbours; reinforcement window in steps (0 = none).
  /// Unset: `sources` 2 unless `fraction` is given (giving both is an error).
  std::optional<std::uint32_t> sources;
  std::optional<double> fraction;
  std::int32_t window = 0;
};

}  // namespace wom
