// SPDX-License-Identifier: MIT
#pragma once
/// @file Plain descriptions of a run's parts, as a validated scenario fills them in.
/// The scenario language (scenarios/) is the only producer; sim/ and models/ consume them.
/// Defaults here are the documented defaults of the scenario keys.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/distribution.hpp"
#include "sim/types.hpp"

namespace wom {

struct LayerSpec;

/// `[network]`: a generator with its parameters, or an edge list.
struct NetworkSpec {
  /// "complete", "gnp", "gnm", "barabasi_albert", "watts_strogatz", "configuration", "sbm",
  /// or "edge_list" (then `path` is set).
  std::string generator = "barabasi_albert";
  NodeId n = 0;                        ///< agents (all generators)
  double p = 0.0;                      ///< gnp: arc probability
  std::uint64_t edges = 0;             ///< gnm: number of edges
  std::uint32_t m = 0;                 ///< barabasi_albert: edges per new agent
  std::uint32_t k = 0;                 ///< watts_strogatz: ring degree (even)
  double rewire = 0.0;                 ///< watts_strogatz: rewiring probability
  std::vector<std::uint32_t> degrees;  ///< configuration: explicit degree sequence (size n)
  std::string degree_distribution;     ///< configuration: "power_law" or "poisson" (if no degrees)
  double exponent = 2.5;               ///< configuration power_law: P(k) ~ k^-exponent
  std::uint32_t min_degree = 1;        ///< configuration power_law: smallest degree
  std::uint32_t max_degree = 0;        ///< configuration power_law: largest degree (0 = sqrt(n))
  double mean_degree = 0.0;            ///< configuration poisson: mean degree
  std::vector<NodeId> block_sizes;     ///< sbm: agents per block (sum = n)
  double p_in = 0.0, p_out = 0.0;      ///< sbm: within- and between-block edge probability
  bool directed = false;               ///< gnp/gnm: directed arcs; edge_list: file is directed
  std::string path;                    ///< edge_list: file (resolved against the scenario's folder)
  std::optional<std::uint64_t> seed;   ///< generator seed; default derives from [run] seed
  /// complete: K_n with n above this is implicit (no arcs stored; Graph::implicit_complete_graph)
  NodeId implicit_above = 4096;
  std::string name = "network";        ///< layer name (attribution of word of mouth per layer)
  /// `[[network.layer]]`: further layers over the same agents (this spec is layer 0); empty
  /// in the specs of those layers themselves. Built by build_network (sim/network/layers.hpp).
  /// No default member initializer: with one, clang instantiates the vector's destructor
  /// here, where LayerSpec is still incomplete, and rejects the header.
  std::vector<LayerSpec> layers;
};

/// `[trust]`: how much an exposure over an arc weighs, in [0, 2).
/// Friend trust: channel (brand, influencer) trust is set per channel, not here.
struct TrustSpec {
  /// "constant" (value), "inverse_in_degree" (1/in-degree of the head, the classic LT weights),
  /// "weight" (edge-list third column times `scale`), "tie_strength" (`strong` or `weak` by
  /// embeddedness), "random" (drawn from `distribution`). See sim/network/trust.hpp.
  std::string rule = "constant";
  double value = 1.0;
  double scale = 1.0;
  std::string measure{};               ///< tie_strength: "common_neighbours" or "overlap"
  double cutoff = 0.0;                 ///< tie_strength: strong when measure >= cutoff
  double strong = 1.0;                 ///< tie_strength: trust of strong ties
  double weak = 0.0;                   ///< tie_strength: trust of weak ties
  Distribution distribution{Distribution::Kind::kConstant, 1.0};  ///< random: per-arc trust
  bool symmetric = false;              ///< random: both arcs of an edge draw the same trust
  std::optional<std::uint64_t> seed{}; ///< random: default derives from the network seed
  /// Arcs with a negative edge-list weight (distrust): "" (no sign handling: the weight rule
  /// rejects them), "ignore" (trust 0), "oppose" (the rule's trust, flagged Graph::distrust).
  std::string negative{};
};

/// One `[[network.layer]]`: arcs over the agents of [network] with their own trust rule.
struct LayerSpec {
  NetworkSpec network;  ///< generator or edge list, and `name`
  TrustSpec trust;      ///< this layer's rule (`[trust]` is layer 0's)
};

/// `[population]`: per-agent attributes, each drawn per replicate from its own stream.
struct PopulationSpec {
  Distribution threshold{Distribution::Kind::kUniform, 0.0, 0.0, 1.0};
  /// Amount an adopter gives to a fundraiser, in dollars (summed in integer cents).
  Distribution donation{Distribution::Kind::kConstant, 0.0};
  /// Share of an exposure's pull that reaches the agent, in [0, 1]: multiplies the conversion
  /// probability (independent cascade) or the trust received (linear threshold).
  Distribution susceptibility{Distribution::Kind::kConstant, 1.0};
  /// Chance the agent is online in a step (at the peak of the day/night cycle), in [0, 1].
  Distribution activity{Distribution::Kind::kConstant, 1.0};
  double activity_cycle = 0.0;  ///< depth of the day/night cycle in [0, 1]: 0 none, 1 nobody online at the trough
  double peak_hour = 20.0;      ///< hour of day when agents are most often online
  double start_hour = 0.0;      ///< hour of day at step 0
  /// Group label of each agent, for `targeting = "group"`: a file of `label group` lines
  /// (resolved against the scenario's folder); empty: the [network] sbm blocks, if any.
  std::string groups;
};

/// Which agents a seed channel starts with (or an influencer channel pays).
struct SeedSpec {
  /// "random", "top_degree", "friendship_paradox" (a random neighbour of a random agent),
  /// "explicit".
  std::string strategy = "random";
  std::uint32_t count = 1;          ///< random / top_degree / friendship_paradox
  std::vector<std::uint64_t> ids;   ///< explicit: input ids (edge-list labels)
};

/// One `[[channel]]`: where exposures (or money) come from besides friends telling friends.
/// Money is in dollars in scenarios and integer cents inside the engine.
struct ChannelSpec {
  /// "seed" (initial adopters), "sponsored" (bought impressions), "influencer" (paid posts by
  /// hubs to their followers), "referral" (rewards adopters' successful referrals),
  /// "fundraiser" (adopters donate; a goal).
  std::string type = "seed";
  std::string name;                 ///< label in outputs; default: the type
  SeedSpec seed;                    ///< seed: who; influencer: which hubs
  double trust = 0.05;              ///< sponsored: brand trust; influencer: influencer trust
  double budget = 0.0;              ///< dollars; sponsored/influencer/referral stop when spent
  double cpm = 10.0;                ///< sponsored: dollars per 1,000 impressions
  double reach = 0.1;               ///< sponsored: fraction of agents reached in each flight
  std::string targeting = "random"; ///< sponsored: "random", "degree" (highest degree first) or "group"
  std::uint32_t group = 0;          ///< sponsored with targeting "group": the group reached (reach: fraction of it)
  double fatigue = 1.0;             ///< sponsored: weight of the k-th impression is fatigue^(k-1)
  double cost_per_post = 0.0;       ///< influencer: dollars per hub per post
  Step start = 1;                   ///< sponsored/influencer: first flight (step)
  Step every = 1;                   ///< sponsored/influencer: steps between flights
  Step stop = 0;                    ///< sponsored/influencer: last step with a flight (0 = end of run)
  double multiplier = 1.0;          ///< referral: factor on adopters' sharing (IC probability, LT trust)
  double reward = 0.0;              ///< referral: dollars paid per successful referral
  double goal = 0.0;                ///< fundraiser: dollars (0 = no goal)
  bool stop_at_goal = false;        ///< fundraiser: the campaign ends once the goal is reached
  bool seeds_donate = false;        ///< fundraiser: whether the seeds (organisers) give too
};

/// `[run]`
struct RunSpec {
  Step steps = 100;               ///< steps after step 0
  std::uint32_t replicates = 1;
  std::uint64_t seed = 1;
  double step_hours = 1.0;
  bool stop_when_quiet = true;    ///< stop a replicate once nothing can change any more
};

/// `[output]`
struct OutputSpec {
  bool adoption_steps = false;    ///< write /agents/adoption_step [replicate, agent]
  bool referral_tree = false;     ///< write /referral_tree (who tipped whom) and /summary/cascade
};

}  // namespace wom
