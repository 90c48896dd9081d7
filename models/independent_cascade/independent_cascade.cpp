// SPDX-License-Identifier: MIT
// The engine's run for this model, compiled here once (its header declares it extern).
#include "models/independent_cascade/independent_cascade.hpp"

namespace wom {

template RunResult run_replicates(const Graph&, const IndependentCascade&, const SeedPlan&, const EngineOptions&);

}  // namespace wom
