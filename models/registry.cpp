// SPDX-License-Identifier: MIT
#include "models/registry.hpp"

#include <array>
#include <string>

#include "models/bass/bass.hpp"
#include "models/complex_contagion/complex_contagion.hpp"
#include "models/fractional_threshold/fractional_threshold.hpp"
#include "models/independent_cascade/independent_cascade.hpp"
#include "models/linear_threshold/linear_threshold.hpp"
#include "models/rumour/rumour.hpp"
#include "models/sir/sir.hpp"
#include "models/sis/sis.hpp"
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

RunResult run_fractional_threshold(const ModelSpec&, const PopulationSpec& p, const Graph& g, const SeedPlan& s,
                                   const EngineOptions& o) {
  return run_replicates(g, FractionalThreshold(p.threshold, g), s, o);
}

RunResult run_complex_contagion(const ModelSpec& m, const PopulationSpec&, const Graph& g, const SeedPlan& s,
                                const EngineOptions& o) {
  return run_replicates(g, ComplexContagion({m.sources.value_or(2), m.fraction.value_or(0.0), m.window}, g), s, o);
}

RunResult run_bass(const ModelSpec& m, const PopulationSpec&, const Graph& g, const SeedPlan& s,
                   const EngineOptions& o) {
  const auto form = m.form == "independent" ? Bass::Form::kIndependent : Bass::Form::kHazard;
  return run_replicates(g, Bass(m.p, m.q, m.period_steps, form, g), s, o);
}

RunResult run_sir(const ModelSpec& m, const PopulationSpec&, const Graph& g, const SeedPlan& s,
                  const EngineOptions& o) {
  if (m.update == "continuous") return run_replicates(g, ContinuousSir(m.beta, m.gamma, g), s, o);
  return run_replicates(g, DiscreteSir(m.beta, m.gamma), s, o);
}

RunResult run_sis(const ModelSpec& m, const PopulationSpec&, const Graph& g, const SeedPlan& s,
                  const EngineOptions& o) {
  return run_replicates(g, DiscreteSis(m.beta, m.gamma), s, o);
}

RunResult run_rumour(const ModelSpec& m, const PopulationSpec&, const Graph& g, const SeedPlan& s,
                     const EngineOptions& o) {
  const auto update = m.update == "synchronous"  ? Rumour::Update::kSynchronous
                      : m.update == "continuous" ? Rumour::Update::kContinuous
                                                 : Rumour::Update::kRandomSequential;
  return run_replicates(g, Rumour(update), s, o);
}

constexpr std::array kModels{
    ModelEntry{"independent_cascade", "each new adopter converts each neighbour once with probability p x trust",
               &run_independent_cascade},
    ModelEntry{"linear_threshold", "adopt when trust from adopted neighbours reaches the agent's threshold",
               &run_linear_threshold},
    ModelEntry{"fractional_threshold", "adopt when the fraction of adopted neighbours reaches the agent's threshold",
               &run_fractional_threshold},
    ModelEntry{"complex_contagion", "adopt after k distinct adopted neighbours, optionally within a time window",
               &run_complex_contagion},
    ModelEntry{"bass", "each non-adopter adopts per step with probability from innovation p and imitation q",
               &run_bass, true, true},
    ModelEntry{"sir", "infected agents transmit to each neighbour with probability beta and recover with gamma",
               &run_sir, true},
    ModelEntry{"sis", "as sir, but recovered agents become susceptible again", &run_sis, true},
    ModelEntry{"rumour", "Maki-Thompson: spreaders call a random neighbour and stop on reaching one who knows",
               &run_rumour, true},
};

}  // namespace

std::span<const ModelEntry> model_registry() { return kModels; }

const ModelEntry& model_entry(std::string_view name) {
  for (const auto& m : model_registry())
    if (m.name == name) return m;
  std::string names;
  for (const auto& m : model_registry()) names += (names.empty() ? "" : ", ") + std::string(m.name);
  throw InputError("model.name: unknown model '" + std::string(name) + "' (valid: " + names + ")");
}

RunResult run_model(const ModelSpec& spec, const PopulationSpec& population, const Graph& graph,
                    const SeedPlan& seeds, const EngineOptions& options) {
  const ModelEntry& entry = model_entry(spec.name);
  if (graph.implicit_complete() && !entry.implicit_complete) {
    throw InputError("model.name: '" + spec.name +
                     "' needs stored arcs, but the network is an implicit complete graph (no arcs); use a smaller "
                     "complete graph or a model that supports it (bass, sir, sis, rumour)");
  }
  return entry.run(spec, population, graph, seeds, options);
}

}  // namespace wom
