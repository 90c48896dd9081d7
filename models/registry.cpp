// SPDX-License-Identifier: MIT
#include "models/registry.hpp"

#include <array>
#include <string>

#include "models/independent_cascade/independent_cascade.hpp"
#include "models/linear_threshold/linear_threshold.hpp"
#include "sim/error.hpp"

namespace wom {
namespace {

RunResult run_independent_cascade(const ModelSpec& m, const PopulationSpec&, const Graph& g, const SeedPlan& s,
                                  const EngineOptions& o) {
  return run_replicates(g, IndependentCascade(m.probability), s, o);
}

RunResult run_linear_threshold(const ModelSpec&, const PopulationSpec& p, const Graph& g, const SeedPlan& s,
                               const EngineOptions& o) {
  return run_replicates(g, LinearThreshold(p.threshold), s, o);
}

constexpr std::array kModels{
    ModelEntry{"independent_cascade", "each new adopter converts each neighbour once with probability p x trust",
               &run_independent_cascade},
    ModelEntry{"linear_threshold", "adopt when trust from adopted neighbours reaches the agent's threshold",
               &run_linear_threshold},
};

}  // namespace

std::span<const ModelEntry> model_registry() { return kModels; }

RunResult run_model(const ModelSpec& spec, const PopulationSpec& population, const Graph& graph,
                    const SeedPlan& seeds, const EngineOptions& options) {
  for (const auto& m : kModels)
    if (m.name == spec.name) return m.run(spec, population, graph, seeds, options);
  std::string names;
  for (const auto& m : kModels) names += (names.empty() ? "" : ", ") + std::string(m.name);
  throw InputError("model.name: unknown model '" + spec.name + "' (valid: " + names + ")");
}

}  // namespace wom
