// SPDX-License-Identifier: MIT
// The engine's run for this model, compiled here once (its header declares it extern).
#include "models/fractional_threshold/fractional_threshold.hpp"

namespace wom {

template RunResult run_replicates(const Graph&, const FractionalThreshold&, const SeedPlan&, const EngineOptions&);

}  // namespace wom
