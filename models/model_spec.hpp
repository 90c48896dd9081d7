// SPDX-License-Identifier: MIT
#pragma once
/// @file `[model]`: which decision and spreading rule, with its parameters.

#include <string>

namespace wom {

struct ModelSpec {
  /// Registry name: "independent_cascade" or "linear_threshold" (models/registry.cpp).
  std::string name = "independent_cascade";
  /// independent_cascade: base probability that an exposure over an arc converts; the
  /// effective per-arc probability is probability × trust (trust 1 is classic IC).
  double probability = 0.1;
};

}  // namespace wom
