// SPDX-License-Identifier: MIT
#pragma once
/// @file The scenario's channels besides seeds: sponsored posts, influencer posts, referral
/// programmes and fundraisers, as one Campaign the engine calls once per step.
/// Equations, budgets and attribution rules: models/channels/README.md.

#include <memory>
#include <string>
#include <vector>

#include "sim/campaign.hpp"
#include "sim/network/graph.hpp"
#include "sim/spec.hpp"

namespace wom {

class ScenarioCampaign final : public Campaign {
 public:
  /// Resolves the channels against the network (targets by degree, hubs, budgets in cents).
  /// `run_steps` ends schedules without a `stop`. `network` ([network], layer 0) supplies the
  /// groups of `targeting = "group"` when [population] has no group file: its sbm blocks.
  /// @throws InputError for impossible channels or a bad group file.
  ScenarioCampaign(const Graph& graph, const std::vector<ChannelSpec>& channels, const PopulationSpec& population,
                   Step run_steps, const NetworkSpec* network = nullptr);

  [[nodiscard]] const std::vector<std::string>& channel_names() const override { return names_; }
  [[nodiscard]] std::unique_ptr<CampaignRun> make_run() const override;
  [[nodiscard]] bool needs_attribution() const override { return attribution_; }

  /// A channel as resolved: its spec, its id in results, and what is fixed across replicates.
  struct Resolved {
    ChannelSpec spec;
    std::uint8_t id = 0;
    std::uint32_t trust = 0;            ///< fixed point
    std::int64_t budget_cents = 0;
    std::int64_t flight_cost_cents = 0; ///< sponsored: one flight; influencer: one post by all hubs
    std::int64_t reward_cents = 0;      ///< referral
    std::int64_t goal_cents = 0;        ///< fundraiser
    std::uint32_t multiplier = 0;       ///< referral, fixed point
    NodeId reach = 0;                   ///< sponsored: agents per flight
    Step stop = 0;                      ///< last step with a flight or post
    std::vector<NodeId> fixed_targets;  ///< sponsored by degree; influencer hubs unless random
    std::vector<NodeId> pool;           ///< sponsored by group: the group's agents, sampled per flight
    /// Sponsored with fatigue < 1: [k] is the weight of an agent's (k+1)-th impression,
    /// trust x fatigue^k rounded, up to the first that rounds to 0 (all later ones do too).
    std::vector<std::uint32_t> worn_trust;
  };

  /// Group of every agent (kNoGroup: none), from a `label group` file or an sbm's blocks.
  /// @throws InputError naming the file and line for bad lines or unknown agents.
  static std::vector<std::uint32_t> agent_groups(const Graph& graph, const PopulationSpec& population,
                                                 const NetworkSpec* network);
  static constexpr std::uint32_t kNoGroup = 0xFFFFFFFFu;

 private:
  const Graph& graph_;
  PopulationSpec population_;
  std::vector<std::string> names_;
  std::vector<Resolved> channels_;
  bool attribution_ = false;
};

}  // namespace wom
