// SPDX-License-Identifier: MIT
#include "scenarios/pipeline.hpp"

#include <chrono>

#include "sim/network/generators.hpp"
#include "sim/network/trust.hpp"
#include "sim/random.hpp"

namespace wom {
namespace {

Graph build_graph(const Scenario& s) {
  Graph g = make_network(s.network, network_seed(s), s.path.parent_path());
  assign_trust(g, s.trust);
  return g;
}

}  // namespace

std::uint64_t network_seed(const Scenario& scenario) {
  return scenario.network.seed ? *scenario.network.seed
                               : derive(scenario.run.seed, static_cast<std::uint64_t>(Stream::kNetwork));
}

PreparedScenario::PreparedScenario(Scenario scenario) : scenario_(std::move(scenario)) {
  const auto t0 = std::chrono::steady_clock::now();
  graph_ = build_graph(scenario_);
  seeds_ = SeedPlan(graph_, scenario_.seed_specs());
  build_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

EngineOptions PreparedScenario::engine_options() const {
  EngineOptions o;
  o.steps = scenario_.run.steps;
  o.replicates = scenario_.run.replicates;
  o.seed = scenario_.run.seed;
  o.step_hours = scenario_.run.step_hours;
  o.stop_when_quiet = scenario_.run.stop_when_quiet;
  o.record_adoption_steps = scenario_.output.adoption_steps;
  return o;
}

RunResult PreparedScenario::simulate(const EngineOptions& options) const {
  return run_model(scenario_.model, scenario_.population, graph_, seeds_, options);
}

}  // namespace wom
