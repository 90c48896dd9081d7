// SPDX-License-Identifier: MIT
#include "scenarios/pipeline.hpp"

#include <algorithm>
#include <chrono>

#include "models/channels/campaign.hpp"
#include "scenarios/key_position.hpp"
#include "sim/error.hpp"

#include "sim/network/generators.hpp"
#include "sim/network/layers.hpp"
#include "sim/network/trust.hpp"
#include "sim/random.hpp"

namespace wom {
namespace {

// Every layer made and given its own trust, then merged (one layer: make_network + assign_trust).
Graph build_graph(const Scenario& s) {
  return build_network(s.network, s.trust, network_seed(s), s.path.parent_path());
}

}  // namespace

std::uint64_t network_seed(const Scenario& scenario) {
  return scenario.network.seed ? *scenario.network.seed
                               : derive(scenario.run.seed, static_cast<std::uint64_t>(Stream::kNetwork));
}

PreparedScenario::PreparedScenario(Scenario scenario, const Graph* network) : scenario_(std::move(scenario)) {
  const auto t0 = std::chrono::steady_clock::now();
  graph_ = network != nullptr ? *network : build_graph(scenario_);
  try {  // seeds are checked against the built network: name the key's place in the file
    seeds_ = SeedPlan(graph_, scenario_.seed_specs());
  } catch (const InputError& e) {
    throw InputError(with_key_position(scenario_, e.what()));
  }
  const bool has_channels = std::any_of(scenario_.channels.begin(), scenario_.channels.end(),
                                        [](const ChannelSpec& c) { return c.type != "seed"; });
  if (has_channels) {
    campaign_ = std::make_unique<ScenarioCampaign>(graph_, scenario_.channels, scenario_.population, scenario_.run.steps,
                                                   &scenario_.network);
  }
  // Attribution (who tipped each adoption) for paid channels, spontaneous adoptions, word of
  // mouth per layer, and the referral tree.
  if ((campaign_ && campaign_->needs_attribution()) || model_entry(scenario_.model.name).adopts_spontaneously ||
      graph_.layer_count() > 1 || scenario_.output.referral_tree) {
    in_arcs_ = std::make_unique<InArcs>(graph_);
  }
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
  o.record_referral_tree = scenario_.output.referral_tree;
  o.campaign = campaign_.get();
  o.in_arcs = in_arcs_.get();
  return o;
}

RunResult PreparedScenario::simulate(const EngineOptions& options) const { return simulate(scenario_, options); }

RunResult PreparedScenario::simulate(const Scenario& variant, const EngineOptions& options) const {
  const Population population(variant.population, options.step_hours);  // susceptibility, activity
  EngineOptions o = options;
  if (population.active()) o.population = &population;
  return run_model(variant.model, variant.population, graph_, seeds_, o);
}

}  // namespace wom
