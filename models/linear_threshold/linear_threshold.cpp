// SPDX-License-Identifier: MIT
// The engine's run for this model, compiled here once (its header declares it extern).
#include "models/linear_threshold/linear_threshold.hpp"

namespace wom {

template RunResult run_replicates(const Graph&, const LinearThreshold&, const SeedPlan&, const EngineOptions&);

}  // namespace wom
