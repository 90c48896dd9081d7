// SPDX-License-Identifier: MIT
// The engine's run for this model, compiled here once (its header declares it extern).
#include "models/rumour/rumour.hpp"

namespace wom {

template RunResult run_replicates(const Graph&, const Rumour&, const SeedPlan&, const EngineOptions&);

}  // namespace wom
