// SPDX-License-Identifier: MIT
// The engine's run for this model, compiled here once (its header declares it extern).
#include "models/complex_contagion/complex_contagion.hpp"

namespace wom {

template RunResult run_replicates(const Graph&, const ComplexContagion&, const SeedPlan&, const EngineOptions&);

}  // namespace wom
