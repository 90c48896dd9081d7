// SPDX-License-Identifier: MIT
#pragma once
/// @file The one table from a scenario's model name to the engine instantiated for it.

#include <span>
#include <string_view>

#include "models/model_spec.hpp"
#include "sim/engine.hpp"
#include "sim/spec.hpp"

namespace wom {

/// A registered model: its scenario name, a one-line description, and its runner.
struct ModelEntry {
  std::string_view name;
  std::string_view summary;
  RunResult (*run)(const ModelSpec&, const PopulationSpec&, const Graph&, const SeedPlan&, const EngineOptions&);
  /// Whether it runs on the implicit complete graph (Graph::implicit_complete_graph), which
  /// has no stored arcs; run_model refuses the others there with an InputError.
  bool implicit_complete = false;
  /// Whether agents can adopt without an exposure in their step (Bass innovators): runs then
  /// attribute every adoption, crediting those to "spontaneous".
  bool adopts_spontaneously = false;
};

/// Every model, in documentation order.
std::span<const ModelEntry> model_registry();

/// The registry entry named `name`. @throws InputError listing the valid names if unknown.
const ModelEntry& model_entry(std::string_view name);

/// Runs the model `spec.name` names. @throws InputError listing the valid names if unknown.
RunResult run_model(const ModelSpec& spec, const PopulationSpec& population, const Graph& graph,
                    const SeedPlan& seeds, const EngineOptions& options);

}  // namespace wom
