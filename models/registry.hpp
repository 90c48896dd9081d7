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
};

/// Every model, in documentation order.
std::span<const ModelEntry> model_registry();

/// Runs the model `spec.name` names. @throws InputError listing the valid names if unknown.
RunResult run_model(const ModelSpec& spec, const PopulationSpec& population, const Graph& graph,
                    const SeedPlan& seeds, const EngineOptions& options);

}  // namespace wom
