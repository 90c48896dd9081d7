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
};

/// `[trust]`: how much an exposure over an arc weighs, in [0, 2).
struct TrustSpec {
  /// "constant" (value), "inverse_in_degree" (1/in-degree of the head, the classic LT weights),
  /// "weight" (edge-list third column times `scale`).
  std::string rule = "constant";
  double value = 1.0;
  double scale = 1.0;
};

/// `[population]`: per-agent attributes.
struct PopulationSpec {
  Distribution threshold{Distribution::Kind::kUniform, 0.0, 0.0, 1.0};
};

/// One `[[channel]]` of type "seed": initial adopters at step 0.
struct SeedSpec {
  std::string strategy = "random";  ///< "random", "top_degree", "explicit"
  std::uint32_t count = 1;          ///< random / top_degree
  std::vector<std::uint64_t> ids;   ///< explicit: input ids (edge-list labels)
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
};

}  // namespace wom
