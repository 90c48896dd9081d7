// SPDX-License-Identifier: MIT
#pragma once
/// @file From a validated scenario to results: build the network, assign trust, resolve the
/// seeds, run the model. `wom run`, `wom sweep` and `wom compare` all go through here.

#include <cstdint>

#include <memory>

#include "models/registry.hpp"
#include "sim/campaign.hpp"
#include "sim/network/in_arcs.hpp"
#include "scenarios/scenario.hpp"
#include "sim/engine.hpp"
#include "sim/network/graph.hpp"
#include "sim/seeds.hpp"

namespace wom {

/// A scenario with its network built and its seeds resolved, ready to simulate any number
/// of times (sweep points that change only model or run keys can share it).
class PreparedScenario {
 public:
  /// @throws InputError for problems only visible once the network exists (seed ids not in
  ///         the edge list, trust out of range, ...), IoError for unreadable edge lists.
  /// `network`, if given, is a graph already built for an equal [network], [trust] and
  /// network seed, copied instead of built again (sweep points sharing a network).
  explicit PreparedScenario(Scenario scenario, const Graph* network = nullptr);
  // The campaign and the in-arc index point into the graph: the object stays where it is.
  PreparedScenario(const PreparedScenario&) = delete;
  PreparedScenario& operator=(const PreparedScenario&) = delete;

  [[nodiscard]] const Scenario& scenario() const noexcept { return scenario_; }
  [[nodiscard]] const Graph& graph() const noexcept { return graph_; }
  [[nodiscard]] const SeedPlan& seeds() const noexcept { return seeds_; }
  /// Seconds spent building the network, trust and seeds.
  [[nodiscard]] double build_seconds() const noexcept { return build_seconds_; }

  /// Engine options the scenario's [run] and [output] sections ask for.
  [[nodiscard]] EngineOptions engine_options() const;
  /// Runs all replicates. Results depend only on the scenario (and its seed), not on threads.
  [[nodiscard]] RunResult simulate() const { return simulate(engine_options()); }
  [[nodiscard]] RunResult simulate(const EngineOptions& options) const;
  /// Runs `variant` on what was prepared: a scenario equal to this one except in [model]
  /// parameters (not its name) and [run] seed, replicates and stop_when_quiet, so sweep
  /// points that change only those share one PreparedScenario.
  [[nodiscard]] RunResult simulate(const Scenario& variant, const EngineOptions& options) const;

 private:
  Scenario scenario_;
  double build_seconds_ = 0.0;
  Graph graph_;
  SeedPlan seeds_;
  std::unique_ptr<Campaign> campaign_;  ///< channels besides seeds, if any
  std::unique_ptr<InArcs> in_arcs_;     ///< when adoptions must be attributed
};

/// Seed of the network generator: [network] seed if given, else derived from [run] seed.
std::uint64_t network_seed(const Scenario& scenario);

}  // namespace wom
