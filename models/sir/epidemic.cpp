// SPDX-License-Identifier: MIT
// The engine's run for this model, compiled here once (its header declares it extern).
#include "models/sir/epidemic.hpp"

namespace wom {

template RunResult run_replicates(const Graph&, const DiscreteSir&, const SeedPlan&, const EngineOptions&);
template RunResult run_replicates(const Graph&, const DiscreteSis&, const SeedPlan&, const EngineOptions&);

}  // namespace wom
